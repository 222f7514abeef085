import Foundation

/// How far a run's jobs have got, for the top of the HTML report: from `plan.json` and the lease and failure
/// files (`SuiteStatus`, what `bermo status` prints) when the directory has a plan, else from results.json's
/// planned jobs (a merged output directory has no plan: a job with no result there is running elsewhere,
/// pending, or in a shard that was not merged).
struct RunProgress {
    var total = 0, done = 0, failed = 0, running = 0, pending = 0
    /// One line per job that is running, pending or failed, in plan order.
    var runningJobs: [String] = [], pendingJobs: [String] = [], failedJobs: [String] = []
    /// Where the counts come from, for the report to say.
    var source: String

    var complete: Bool { running == 0 && pending == 0 }

    init(results: ResultsDocument, status: SuiteStatus?) {
        let withModel = results.showsModel
        if let status {
            source = "plan.json and the job files, as bermo status counts them"
            let t = status.totals
            total = t.total; done = t.done; failed = t.failed; running = t.running; pending = t.pending
            for e in status.jobs {
                let line = e.name + (withModel ? " · \(e.model)" : "") + e.stateDetail
                switch e.state {
                case .done: break
                case .running: runningJobs.append(line)
                case .pending: pendingJobs.append(line)
                case .failed: failedJobs.append(line)
                }
            }
        } else {
            source = "the planned jobs in results.json"
            let finished = Set(results.jobs.map(\.id)), failedIDs = Set(results.failures.map(\.id))
            total = results.plannedJobs.count
            done = results.jobs.count
            failed = results.failures.count
            failedJobs = results.failures.map { "\($0.task) · \($0.variant) · seed \($0.seed)" + (withModel ? " · \($0.model)" : "") + ": \($0.error)" }
            let missing = results.plannedJobs.filter { !finished.contains($0) && !failedIDs.contains($0) }
            pending = missing.count
            // Only ids are known for these (the plan is not here); a job id names its content hash.
            pendingJobs = missing.map { "job \($0)" }
        }
    }
}
