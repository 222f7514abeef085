import BermoRuntime
import Foundation

/// Submits a suite's two scripts with `sbatch`: the array, then the finalize job depending on it
/// (`--dependency=afterany:<array>`, so it runs however the tasks end), and records what was submitted in
/// `<output-dir>/slurm/submission.json`.
public struct SlurmSubmitter: Sendable {
    public struct Submission: Codable, Sendable, Equatable {
        public var arrayJobID: String
        public var finalizeJobID: String
        public var arrayTasks: Int
        /// Jobs of the suite, and those not finished when it was submitted.
        public var jobs: Int
        public var remaining: Int
        public var submittedAt: String
        public var arrayScript: String
        public var finalizeScript: String

        enum CodingKeys: String, CodingKey {
            case arrayJobID = "array_job_id", finalizeJobID = "finalize_job_id", arrayTasks = "array_tasks", jobs, remaining,
                 submittedAt = "submitted_at", arrayScript = "array_script", finalizeScript = "finalize_script"
        }
    }

    public let sbatch: URL

    /// Finds `sbatch`, or says plainly that this is not a Slurm submit host.
    public init() throws {
        guard let sbatch = ChildProcess.locate("sbatch") else {
            throw HarnessError("sbatch is not on PATH: this is not a Slurm submit host. Run this on the cluster's login node "
                + "(or load its Slurm module), or run the suite here with `bermo run` (several processes may share one output "
                + "directory; `--dry-run` writes the scripts without submitting)")
        }
        self.sbatch = sbatch
    }

    /// Submits both scripts (already written) and writes `submission.json`.
    public func submit(_ script: SlurmJobScript, jobs: Int, remaining: Int) throws -> Submission {
        let array = try run([script.arrayScript.path], what: "the array")
        let finalize = try run(["--dependency=afterany:\(array)", script.finalizeScript.path], what: "the finalize job")
        let submission = Submission(arrayJobID: array, finalizeJobID: finalize, arrayTasks: script.resources.arrayTasks, jobs: jobs,
                                    remaining: remaining, submittedAt: Timestamp.now(), arrayScript: script.arrayScript.path,
                                    finalizeScript: script.finalizeScript.path)
        try HarnessJSON.write(submission, to: script.directory.appendingPathComponent("submission.json"))
        return submission
    }

    /// `sbatch --parsable <arguments>`: the job id (`123`, or `123;cluster` on a federation).
    func run(_ arguments: [String], what: String) throws -> String {
        let r = try ChildProcess.run(sbatch, ["--parsable"] + arguments)
        let id = r.stdout.split(separator: "\n").last.map { String($0.split(separator: ";")[0]) } ?? ""
        guard r.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw HarnessError("sbatch could not submit \(what) (exit status \(r.status)):\n\(ChildProcess.tail(r.stderr + r.stdout))\n"
                + "Check the partition, account, time and memory options against the cluster's limits (`sinfo`, `sacctmgr show assoc`)")
        }
        return id
    }
}
