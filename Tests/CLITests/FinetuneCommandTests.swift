import BermoTestSupport
import Foundation
import Testing

@Suite("bermo finetune (end to end, real checkpoint and data)")
struct FinetuneCommandTests {
    static var sst2: URL { URL(fileURLWithPath: ProcessInfo.processInfo.environment["BERMO_DATA"] ?? CLI.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path).appendingPathComponent("glue/SST-2") }

    @Test("writes eval_results.json, trainer_state.json (bermo's section with the BERMo mix) and a loadable checkpoint")
    func writesOutputs() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["finetune", "--train", Self.sst2.appendingPathComponent("train.tsv").path,
                             "--dev", Self.sst2.appendingPathComponent("dev.tsv").path, "--head", "bermo",
                             "--max-train-samples", "16", "--max-eval-samples", "24", "--per-device-train-batch-size", "8",
                             "--max-steps", "2", "--eval-steps", "1", "--threads", "2", "--output-dir", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let results = try #require(try Outputs.json(dir.appendingPathComponent("eval_results.json"))["bermo"] as? [String: Any])
        #expect(results["status"] as? String == "completed")
        let acc = try #require((results["metrics"] as? [String: Double])?["accuracy"])
        #expect(acc >= 0 && acc <= 1)
        let state = try #require(try Outputs.json(dir.appendingPathComponent("trainer_state.json"))["bermo"] as? [String: Any])
        let log = try #require(state["log_history"] as? [[String: Any]])
        #expect(log.count == 2)
        #expect((log.last?["mix_weights"] as? [Double])?.count == 7)
        for f in ["model.safetensors", "config.json", "vocab.txt", "optimizer.safetensors", "trainer_state.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint/\(f)").path), "\(f)")
        }
    }

    @Test("a wrong column name or a malformed row is reported with the file and line")
    func badInput() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.tsv")
        try "sentence\tlabel\ngood row\t1\nbroken row without label\nanother\t0\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["finetune", "--train", bad.path, "--dev", bad.path, "--output-dir", dir.appendingPathComponent("o").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("bad.tsv:3") && r.stderr.contains("--skip-bad-rows"))
        let col = try CLI.run(["finetune", "--train", bad.path, "--dev", bad.path, "--label-column", "gold",
                               "--skip-bad-rows", "--output-dir", dir.appendingPathComponent("o").path])
        #expect(col.status != 0 && col.stderr.contains("'gold'") && col.stderr.contains("'sentence', 'label'"))
    }
}
