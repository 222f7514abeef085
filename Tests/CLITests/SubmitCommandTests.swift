import BermoTestSupport
import Foundation
import Testing

/// `bermo submit slurm` refuses bad input before anything is submitted, and `--dry-run` writes the scripts
/// without needing Slurm. (The submission itself runs on a real Slurm in ClusterTests.)
@Suite("bermo submit slurm without a cluster")
struct SubmitCommandTests {
    static let suite = """
        suite: submit-check
        model: minilm-l6
        variants: [bert]
        seeds: [1, 2]
        tasks:
          - {task: tense, plugin: senteval.probe, probe_task: Tense}

        """

    @Test("a dry run writes both scripts and plan.json, prints the sbatch lines, and submits nothing")
    func dryRun() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let suite = try dir.write(Self.suite, to: "suite.yaml")
        let out = dir.file("out")
        let r = try CLI.run(["submit", "slurm", suite.path, "--output-dir", out.path, "--dry-run", "--cpus-per-task", "2", "--time", "01:00:00"],
                            environment: ["PATH": "/usr/bin:/bin"])
        #expect(r.status == 0, "\(r.stderr)")
        let array = try String(contentsOf: out.appendingPathComponent("slurm/array.sbatch"), encoding: .utf8)
        #expect(array.contains("#SBATCH --array=0-1\n") && array.contains("#SBATCH --time=01:00:00\n") && array.contains("--worker"))
        #expect(array.contains("run \(suite.path) --output-dir \(out.path) --worker"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("slurm/finalize.sbatch").path))
        #expect(r.stdout.contains("sbatch --parsable --dependency=afterany:<array job id>"))
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json"))) as? [String: Any]
        #expect((plan?["jobs"] as? [[String: Any]])?.count == 2)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("slurm/submission.json").path))
        let status = try CLI.run(["status", out.path])
        #expect(status.status == 0 && status.stdout.contains("submit-check: 0/2 done, 0 running, 0 failed, 2 pending"), "\(status.stdout)")
    }

    @Test("no sbatch, a suite with an error, or missing data: a clear error (exit 2) and nothing written")
    func refusals() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let suite = try dir.write(Self.suite, to: "suite.yaml")
        let noSlurm = try CLI.run(["submit", "slurm", suite.path, "--output-dir", dir.file("a").path], environment: ["PATH": "/nonexistent"])
        #expect(noSlurm.status == 2 && noSlurm.stderr.contains("sbatch is not on PATH: this is not a Slurm submit host"), "\(noSlurm.stderr)")
        let bad = try dir.write(Self.suite.replacingOccurrences(of: "probe_task: Tense", with: "probe_task: Tense, pooling: maen"), to: "bad.yaml")
        let invalid = try CLI.run(["submit", "slurm", bad.path, "--output-dir", dir.file("b").path, "--dry-run"])
        #expect(invalid.status == 2 && invalid.stderr.contains("bad.yaml:6:") && invalid.stderr.contains("did you mean `mean`?"), "\(invalid.stderr)")
        let noData = try CLI.run(["submit", "slurm", suite.path, "--output-dir", dir.file("c").path, "--dry-run", "--data-dir", dir.file("empty").path])
        #expect(noData.status == 2 && noData.stderr.contains("data file(s) the suite needs are missing"), "\(noData.stderr)")
        for name in ["a", "b", "c"] { #expect(!FileManager.default.fileExists(atPath: dir.file(name).path), "\(name) was written") }
    }
}
