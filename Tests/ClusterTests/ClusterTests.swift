import BermoTestSupport
import Foundation
import Testing

/// One suite, run one test at a time: each test starts its own one-node cluster (`LocalCluster`) and the
/// node has only this machine's cores to share.
@Suite("Slurm: a one-node cluster on this machine", .serialized)
struct ClusterTests {
    /// Proves the cluster itself: an array of three 1-CPU tasks is scheduled, runs on this node and completes.
    @Test("a trivial sbatch array of 3 tasks runs every task on the local node")
    func trivialArray() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        try LocalCluster.with { cluster in
            let submit = try cluster.slurm("sbatch", [
                "--parsable", "--array=0-2", "--cpus-per-task=1", "--time=00:05:00",
                "--output=\(dir.url.path)/task-%a.out",
                "--wrap", "echo \"$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $(hostname -s)\" > \(dir.url.path)/ran-$SLURM_ARRAY_TASK_ID",
            ], cwd: dir.url)
            try #require(submit.status == 0, "sbatch failed: \(submit.stderr)")
            let array = submit.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";")[0]
            let states = try cluster.waitUntilFinished(String(array), timeout: 120)
            try #require(states != nil, "the array did not finish in 120 s\n\(cluster.diagnostics())")
            #expect(states?.count == 3 && states?.values.allSatisfy { $0 == "COMPLETED" } == true, "\(states ?? [:])")
            let host = ProcessInfo.processInfo.hostName.split(separator: ".")[0]
            for task in 0..<3 {
                let ran = try String(contentsOf: dir.file("ran-\(task)"), encoding: .utf8)
                #expect(ran == "\(array) \(task) \(host)\n", "task \(task) wrote \(ran)")
            }
        }
    }
}
