import Foundation
import Synchronization

/// Builds the progress line: `[k/n] task · variant · seed · 42% note · ETA 3:12`.
///
/// The ETA is the mean duration of the jobs run so far in this process times the jobs left (reused
/// jobs cost nothing and are not counted), less the finished fraction of the current job.
final class ProgressTracker: Sendable {
    private struct State {
        var durations: [Double] = []
        var remaining: Int
        var jobStart = Date()
        var index = 0
        var name = ""
    }

    let total: Int
    private let state: Mutex<State>

    init(total: Int, toRun: Int) { self.total = total; state = Mutex(State(remaining: toRun)) }

    func start(index: Int, name: String) {
        state.withLock { $0.index = index; $0.name = name; $0.jobStart = Date() }
    }

    func finish() {
        state.withLock { s in
            s.durations.append(Date().timeIntervalSince(s.jobStart))
            s.remaining = max(0, s.remaining - 1)
        }
    }

    func line(fraction: Double, note: String) -> String {
        state.withLock { s in
            let elapsed = Date().timeIntervalSince(s.jobStart)
            let mean = s.durations.isEmpty ? nil : s.durations.reduce(0, +) / Double(s.durations.count)
            // Time left in this job: from the mean of finished jobs, or extrapolated from its own progress.
            let currentLeft: Double? = mean.map { max(0, $0 - elapsed) } ?? (fraction > 0.02 ? elapsed / fraction * (1 - fraction) : nil)
            let perJob = mean ?? (fraction > 0.02 ? elapsed / fraction : nil)
            var text = "[\(s.index)/\(total)] \(s.name)"
            if fraction > 0 { text += String(format: "  %3.0f%%", fraction * 100) }
            if !note.isEmpty { text += " \(note)" }
            if let currentLeft, let perJob {
                text += "  ETA " + Format.duration(currentLeft + perJob * Double(max(0, s.remaining - 1)))
            }
            return text
        }
    }

}
