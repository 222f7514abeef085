import BermoRuntime
import Foundation
import BermoHarness

/// A one-line progress bar on stderr: count, rate and ETA, redrawn at most 5 times a second.
/// Quiet when stderr is not a terminal except for a final line, so logs stay readable.
final class ProgressBar {
    let total: Int
    let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interactive = isatty(2) != 0

    private let startCount: Int

    /// - Parameter start: work already done before this run (a resumed job), excluded from the rate.
    init(total: Int, label: String, start: Int = 0) { self.total = total; self.label = label; startCount = start }

    /// Prints a line above the bar (an evaluation result, a warning).
    func note(_ text: String) {
        StandardError.write((interactive ? "\r\u{1B}[K" : "") + text + "\n")
        lastDraw = .distantPast
    }

    func update(_ done: Int, extra: String = "") {
        let now = Date()
        guard interactive, now.timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
        lastDraw = now
        StandardError.write("\r\u{1B}[K" + line(done, now: now, extra: extra))
    }

    func finish(extra: String = "") {
        let text = line(total, now: Date(), extra: extra)
        StandardError.write((interactive ? "\r\u{1B}[K" : "") + text + "\n")
    }

    private func line(_ done: Int, now: Date, extra: String) -> String {
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - startCount) / elapsed : 0
        let frac = total > 0 ? Double(done) / Double(total) : 1
        let width = 24, filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        return String(format: "%@ %@ %d/%d  %.1f/s  %@ %@", label, bar, done, total, rate,
                      done < total ? "ETA " + Format.duration(eta) : "in " + Format.duration(elapsed), extra)
    }

}
