import Foundation

/// Builds the progress line: `[k/n] task · variant · seed · 42% note · ETA 3:12`.
///
/// The ETA is the mean duration of the jobs run so far in this process times the jobs left (reused
/// jobs cost nothing and are not counted), less the finished fraction of the current job.
final class ProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    let total: Int
    private var durations: [Double] = []
    private var remaining: Int
    private var jobStart = Date()
    private var index = 0
    private var name = ""

    init(total: Int, toRun: Int) { self.total = total; self.remaining = toRun }

    func start(index: Int, name: String) {
        lock.withLock { self.index = index; self.name = name; jobStart = Date() }
    }

    func finish() {
        lock.withLock {
            durations.append(Date().timeIntervalSince(jobStart))
            remaining = max(0, remaining - 1)
        }
    }

    func line(fraction: Double, note: String) -> String {
        lock.withLock {
            let elapsed = Date().timeIntervalSince(jobStart)
            let mean = durations.isEmpty ? nil : durations.reduce(0, +) / Double(durations.count)
            // Time left in this job: from the mean of finished jobs, or extrapolated from its own progress.
            let currentLeft: Double? = mean.map { max(0, $0 - elapsed) } ?? (fraction > 0.02 ? elapsed / fraction * (1 - fraction) : nil)
            let perJob = mean ?? (fraction > 0.02 ? elapsed / fraction : nil)
            var text = "[\(index)/\(total)] \(name)"
            if fraction > 0 { text += String(format: "  %3.0f%%", fraction * 100) }
            if !note.isEmpty { text += " \(note)" }
            if let currentLeft, let perJob {
                text += "  ETA " + Self.clock(currentLeft + perJob * Double(max(0, remaining - 1)))
            }
            return text
        }
    }

    static func clock(_ seconds: Double) -> String {
        let t = Int(seconds.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }
}
