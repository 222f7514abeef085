/// The order in which a process takes a suite's jobs: the plan's, except that a job whose task another
/// process is running right now (a fresh lease on a sibling job: same task, same model) waits until the
/// jobs with no such sibling have been taken. Jobs of one task share work that the first to run caches
/// for the rest (a probe task's encoded features serve every variant and seed), so workers sharing an
/// output directory spread over tasks instead of encoding the same features side by side. A lone process
/// sees no other leases and keeps the plan's order; the order never changes a job's result.
struct JobOrder {
    private let jobs: [Job]
    private let leases: JobLeases
    /// Plan indices not yet handed out, in plan order.
    private var remaining: [Int]
    /// Plan indices of the jobs of each task and model.
    private let siblings: [String: [Int]]

    init(_ jobs: [Job], leases: JobLeases) {
        self.jobs = jobs; self.leases = leases
        remaining = Array(jobs.indices)
        siblings = Dictionary(grouping: jobs.indices, by: { Self.group(jobs[$0]) })
    }

    private static func group(_ job: Job) -> String { "\(job.model.name)\u{0}\(job.task.id)" }

    /// The next job's plan index: the first remaining job none of whose siblings is leased by another
    /// process, else the first remaining one; nil when all were handed out.
    mutating func next() -> Int? {
        guard !remaining.isEmpty else { return nil }
        let pick = remaining.firstIndex { !siblingRunsElsewhere($0) } ?? 0
        return remaining.remove(at: pick)
    }

    /// Whether a sibling of job `k` holds a fresh lease. This process holds none while it picks (it runs
    /// one job at a time), so any lease found is another process's.
    private func siblingRunsElsewhere(_ k: Int) -> Bool {
        (siblings[Self.group(jobs[k])] ?? []).contains { i in
            i != k && leases.inspect(jobs[i].id).map { !$0.stale } == true
        }
    }
}
