import BermoRuntime
import Foundation

/// Where every job of an output directory stands, from its files alone (`plan.json`, job records, leases,
/// failed attempts), so it works while an array of processes is running and after: `bermo status`.
public struct SuiteStatus: Codable, Sendable {
    public enum State: String, Codable, Sendable { case done, running, failed, pending }

    public struct Entry: Codable, Sendable {
        public var id: String
        public var task: String
        public var variant: String
        public var model: String
        public var seed: Int
        public var state: State
        /// done: how the job ended (completed, diverged, skipped) and how long it took.
        public var status: JobStatus?
        public var seconds: Double?
        /// running: who holds the job's lease, since when, and when it last renewed it.
        public var host: String?
        public var pid: Int?
        public var slurmJob: String?
        public var since: String?
        public var heartbeatAt: String?
        /// Seconds since the last renewal, on the filesystem's clock.
        public var heartbeatAge: Double?
        /// failed (or pending after a failed attempt): the attempts so far and the last error.
        public var attempts: Int?
        public var error: String?
    }

    public struct Totals: Codable, Sendable {
        public var total: Int, done: Int, running: Int, failed: Int, pending: Int
        /// Mean duration of the finished jobs that ran (not skipped), in seconds.
        public var meanJobSeconds: Double?
        /// Remaining jobs × mean duration ÷ jobs running now (at least one): a rough wall-clock ETA.
        public var etaSeconds: Double?
    }

    public var suite: String
    public var outputDirectory: String
    public var generatedAt: String
    public var jobs: [Entry]
    public var totals: Totals

    /// Reads `directory` (an output directory with a `plan.json`, as `bermo run` and `bermo submit` write).
    /// A job's lease counts as running only while it is fresh (`leaseTimeout`); a stale one is pending.
    public static func read(_ directory: URL, maxAttempts: Int = 2, leaseTimeout: Double = 300) throws -> SuiteStatus {
        let layout = OutputLayout(directory)
        guard FileManager.default.fileExists(atPath: layout.plan.path) else {
            throw HarnessError("\(layout.plan.path): no plan.json; pass the output directory of a `bermo run` or `bermo submit slurm` (bermo 0.2 or later)")
        }
        let plan = try PlanDocument.read(layout.plan)
        let store = JobStore(layout), failures = JobFailures(layout), leases = JobLeases(layout, timeout: leaseTimeout)
        var entries: [Entry] = []
        for job in plan.jobs {
            var e = Entry(id: job.id, task: job.task, variant: job.variant, model: job.model, seed: job.seed, state: .pending)
            let failed = failures.attempts(job.id)
            e.attempts = failed?.attempts.count; e.error = failed?.attempts.last?.error
            if let record = store.record(job.id) {
                e.state = .done; e.status = record.status; e.seconds = record.timing.seconds
                e.attempts = nil; e.error = nil
            } else if let lease = leases.inspect(job.id), !lease.stale {
                let h = lease.holder
                e.state = .running; e.host = h?.host; e.pid = h.map { Int($0.pid) }
                e.slurmJob = h?.slurmArrayJobId.map { "\($0)_\(h?.slurmArrayTaskId ?? "?")" } ?? h?.slurmJobId
                e.since = h?.started; e.heartbeatAge = max(0, lease.silence)
                e.heartbeatAt = Timestamp.string(Date(timeIntervalSinceNow: -max(0, lease.silence)))
            } else if let failed, failed.attempts.count >= maxAttempts {
                e.state = .failed
            }
            entries.append(e)
        }
        func count(_ s: State) -> Int { entries.filter { $0.state == s }.count }
        let durations = entries.filter { $0.state == .done && $0.status != .skipped }.compactMap(\.seconds)
        let mean = durations.isEmpty ? nil : durations.reduce(0, +) / Double(durations.count)
        let remaining = count(.pending) + count(.running)
        let totals = Totals(total: entries.count, done: count(.done), running: count(.running), failed: count(.failed),
                            pending: count(.pending), meanJobSeconds: mean,
                            etaSeconds: mean.map { $0 * Double(remaining) / Double(max(1, count(.running))) })
        return SuiteStatus(suite: plan.suite, outputDirectory: directory.path, generatedAt: Timestamp.now(), jobs: entries, totals: totals)
    }

    /// A line per job and the totals, for the terminal.
    public var text: String {
        var lines = jobs.map { e in e.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + e.name + e.stateDetail }
        let t = totals
        lines.append("\(suite): \(t.done)/\(t.total) done, \(t.running) running, \(t.failed) failed, \(t.pending) pending"
            + (t.etaSeconds.map { t.done < t.total ? "; ETA \(Format.duration($0)) at the current parallelism" : "" } ?? ""))
        return lines.joined(separator: "\n") + "\n"
    }
}

extension SuiteStatus.Entry {
    /// `task · variant · seed N`, as the run's log names the job.
    public var name: String { "\(task) · \(variant) · seed \(seed)" }

    /// What follows the name in a status line: how a done job ended, where a running one runs, a failed one's
    /// error, a pending one's failed attempts so far.
    public var stateDetail: String {
        switch state {
        case .done:
            return ": \(status?.rawValue ?? "?")" + (seconds.map { " in \(Format.duration($0))" } ?? "")
        case .running:
            return ": on \(host ?? "?") pid \(pid.map(String.init) ?? "?")" + (slurmJob.map { " (Slurm \($0))" } ?? "")
                + (since.map { " since \($0)" } ?? "") + (heartbeatAge.map { ", heartbeat \(Int($0.rounded())) s ago" } ?? "")
        case .failed:
            return ": \(attempts ?? 0) attempt(s): \(error ?? "?")"
        case .pending:
            return attempts.map { " (failed \($0) time(s) so far: \(error ?? "?"))" } ?? ""
        }
    }
}
