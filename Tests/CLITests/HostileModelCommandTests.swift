import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// Models and checkpoints from other people, through the real commands (in a subprocess: before these
/// fixes several of them crashed): each must end with a clear error naming the file, never a signal, a wrong
/// result with exit 0, or an invalid output file.
@Suite("Hostile models through the command line")
struct HostileModelCommandTests {
    static func encode(model: URL, lines: [String], in dir: URL) throws -> (CLI.Result, input: URL, output: URL) {
        let input = dir.appendingPathComponent("in.txt"), output = dir.appendingPathComponent("out.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let r = try CLI.run(["encode", "--model", model.path, "--input", input.path, "--output", output.path, "--threads", "1"])
        return (r, input, output)
    }

    @Test("a vocab.txt longer than the embedding table: encode refuses at load instead of reading past the table")
    func longerVocabulary() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try ModelFolders.realCopy(in: dir)
        try ModelFolders.editVocabulary(in: folder) { $0 += (1...2000).map { "extra\($0)" } + ["[CLS]"] }
        let (r, _, output) = try Self.encode(model: folder, lines: ["hello extra1999 world"], in: dir)
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains(folder.appendingPathComponent("vocab.txt").path), "\(r.stderr)")
        #expect(r.stderr.contains("[CLS]") && r.stderr.contains("lines 102 and 32523"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))

        // Without the duplicated [CLS], the length alone is refused.
        try ModelFolders.editVocabulary(in: folder) { $0.removeLast() }
        let (longer, _, _) = try Self.encode(model: folder, lines: ["hello extra1999 world"], in: dir)
        #expect(longer.exited && longer.status == 2, "\(longer.stderr)")
        #expect(longer.stderr.contains("32522 lines") && longer.stderr.contains("30522 rows"), "\(longer.stderr)")
    }

    @Test("a config.json with a key twice (Python reads the last, JSONDecoder the first) is refused, naming key and line")
    func duplicateConfigKey() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try ModelFolders.realCopy(in: dir)
        let config = folder.appendingPathComponent("config.json")
        // transformers would build the model with layer_norm_eps 1e-12 (the last); a first-wins reader with 1e-5.
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "\"layer_norm_eps\"", with: "\"layer_norm_eps\": 1e-05,\n  \"layer_norm_eps\"")
            .write(to: config, atomically: true, encoding: .utf8)
        let line = try #require(try String(contentsOf: config, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .lastIndex { $0.contains("layer_norm_eps") }) + 1
        let (r, _, output) = try Self.encode(model: folder, lines: ["hello world"], in: dir)
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("\(config.path):\(line): key 'layer_norm_eps' appears twice"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("NaN weights: a note at load, then an error naming the input line instead of bare nan in JSON Lines")
    func nonFiniteWeights() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("nan-model")
        // Only the embedding row of "hello" (id 7592) is poisoned, so only the line that contains it fails.
        try ModelFolders.writeTiny(to: folder) { model in
            model.parameters.base[model.layout.wordEmbeddings + 7592 * model.config.hiddenSize] = .nan
        }
        let (r, input, output) = try Self.encode(model: folder, lines: ["good morning", "hello world", "bye"], in: dir)
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("note:") && r.stderr.contains("non-finite") && r.stderr.contains("word_embeddings"), "\(r.stderr)")
        #expect(r.stderr.contains("\(input.path):2:") && r.stderr.contains("NaN or infinite"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    /// `bermo finetune` of the model in `model` for two steps on eight made-up rows, writing into `out`.
    static func finetuneArguments(model: URL, in dir: URL, out: URL) throws -> [String] {
        let data = dir.appendingPathComponent("data.tsv")
        try ("sentence\tlabel\n" + (0..<8).map { $0 % 2 == 0 ? "a good film\t1\n" : "a bad film\t0\n" }.joined())
            .write(to: data, atomically: true, encoding: .utf8)
        return ["finetune", "--model", model.path, "--train", data.path, "--dev", data.path, "--output-dir", out.path,
                "--per-device-train-batch-size", "4", "--max-steps", "2", "--eval-steps", "1", "--threads", "1"]
    }

    @Test("finetune --predictions of a diverged model is an error instead of bare nan in JSON Lines")
    func nonFiniteLogits() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("out")
        try ModelFolders.writeTiny(to: model) { model in model.parameters.base[model.layout.poolerWeight] = .nan }
        let predictions = dir.appendingPathComponent("predictions.jsonl")
        let r = try CLI.run(try Self.finetuneArguments(model: model, in: dir, out: out) + ["--predictions", predictions.path])
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains(predictions.path) && r.stderr.contains("dev example 1") && r.stderr.contains("diverged"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: predictions.path))
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("eval_results.json"))) as? [String: Any]
        #expect((results?["bermo"] as? [String: Any])?["status"] as? String == "diverged")
    }

    @Test("finetune --resume with an impossible global_step is an error naming trainer_state.json, not a crash")
    func resumeFromCorruptState() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("model"), out = dir.appendingPathComponent("out")
        try ModelFolders.writeTiny(to: model)
        let arguments = try Self.finetuneArguments(model: model, in: dir, out: out)
        let first = try CLI.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        let state = out.appendingPathComponent("checkpoint/trainer_state.json")
        for step in [-1, 1000] {
            var fields = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: state)) as? [String: Any])
            fields["global_step"] = step
            try JSONSerialization.data(withJSONObject: fields).write(to: state)
            let resumed = try CLI.run(arguments + ["--resume"])
            #expect(resumed.exited && resumed.status == 2, "global_step \(step): \(resumed.stderr)")
            #expect(resumed.stderr.contains(state.path) && resumed.stderr.contains("global_step"), "\(resumed.stderr)")
        }
    }

    @Test("a libcrypto that refuses its digests (a FIPS policy without a FIPS provider) is an error, not a trap")
    func brokenLibcrypto() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let conf = dir.appendingPathComponent("openssl.cnf")
        try """
            openssl_conf = openssl_init
            [openssl_init]
            alg_section = evp_properties
            [evp_properties]
            default_properties = "fips=yes"

            """.write(to: conf, atomically: true, encoding: .utf8)
        let r = try CLI.run(["explain", CLI.packageRoot.appendingPathComponent("suites/quickstart.yaml").path],
                            environment: ["OPENSSL_CONF": conf.path])
        #expect(r.exited && r.status != 0, "\(r.stderr)")
        #expect(r.stderr.contains("libcrypto") && r.stderr.contains("OPENSSL_CONF"), "\(r.stderr)")
    }
}
