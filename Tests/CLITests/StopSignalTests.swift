import BermoTestSupport
import Foundation
import Testing

/// SIGTERM (what Slurm sends before killing a task) stops `bermo run` cleanly: a fine-tuning job with
/// `save_checkpoints` writes its checkpoint at the step it reached, the run exits 143 without a record or a
/// failure for that job, and running again resumes it to exactly the results of an uninterrupted run.
@Suite("bermo run under SIGTERM")
struct StopSignalTests {
    static let suite = """
        suite: stop-signal
        model: minilm-l6
        variants: [bermo]
        seeds: [1]
        tasks:
          - {task: sst2, plugin: glue.finetune, max_steps: 12, eval_steps: 4, max_train_samples: 48, max_eval_samples: 16,
             max_seq_length: 32, per_device_train_batch_size: 8, save_checkpoints: true}

        """

    @Test("a job stopped by SIGTERM mid-run resumes from its checkpoint to the uninterrupted job's results")
    func sigtermCheckpointsAndResumes() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let suite = try dir.write(Self.suite, to: "suite.yaml")
        let full = dir.file("full"), part = dir.file("part")
        let uninterrupted = try CLI.run(["run", suite.path, "--output-dir", full.path, "--threads", "1"])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")

        // Start the same job and send SIGTERM once its first checkpoint exists (step 4 of 12).
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["run", suite.path, "--output-dir", part.path, "--threads", "1"]
        var env = ProcessInfo.processInfo.environment
        env["BERMO_DATA"] = env["BERMO_DATA"] ?? DataPaths.root.path
        process.environment = env
        let log = dir.file("stopped.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.runUnblocked()
        let deadline = Date().addingTimeInterval(300)
        func checkpointExists() -> Bool {
            let artifacts = part.appendingPathComponent("artifacts")
            let jobs = (try? FileManager.default.contentsOfDirectory(atPath: artifacts.path)) ?? []
            return jobs.contains { FileManager.default.fileExists(atPath: artifacts.appendingPathComponent("\($0)/checkpoint/trainer_state.json").path) }
        }
        while !checkpointExists() && process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        try #require(process.isRunning && checkpointExists(), "the run ended or saved no checkpoint before it could be stopped")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let stderr = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationReason == .exit && process.terminationStatus == 143, "\(stderr)")
        #expect(stderr.contains("stopped by SIGTERM at training step") && stderr.contains("(checkpoint saved)"), "\(stderr)")
        let jobs = try FileManager.default.contentsOfDirectory(atPath: part.appendingPathComponent("jobs").path)
        #expect(!jobs.contains { $0.hasSuffix(".json") }, "a stopped job left a record or a failure: \(jobs)")
        #expect(!jobs.contains { $0.hasSuffix(".claim") || $0.hasSuffix(".lease") }, "the job's claim was not released: \(jobs)")

        let resumed = try CLI.run(["run", suite.path, "--output-dir", part.path, "--threads", "1"])
        #expect(resumed.status == 0 && resumed.stderr.contains("resumed from its checkpoint at step"), "\(resumed.stderr)")
        func record(_ root: URL) throws -> [String: Any] {
            let jobs = root.appendingPathComponent("jobs")
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: jobs.path).first { $0.hasSuffix(".json") })
            return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: jobs.appendingPathComponent(name))) as? [String: Any])
        }
        let a = try record(full), b = try record(part)
        #expect(a["metrics"] as? [String: Double] == b["metrics"] as? [String: Double])
        let curve = { (r: [String: Any]) in ((r["details"] as? [String: Any])?["curve"] as? [[String: Any]])?.map { "\($0["step"]!) \($0["train_loss"]!) \($0["score"]!)" } }
        #expect(curve(a) != nil && curve(a) == curve(b))
        let leftovers = (try? FileManager.default.subpathsOfDirectory(atPath: part.appendingPathComponent("artifacts").path)) ?? []
        #expect(leftovers.isEmpty, "the finished job's checkpoint was not removed: \(leftovers)")
    }
}
