import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// `bermo finetune` writes the files transformers' `run_glue.py` + `Trainer` write, key for key: the reference is
/// `Tests/Fixtures/hf-trainer-outputs`, produced by `scripts/reference/hf_trainer_outputs.py` with the Trainer
/// itself (its `provenance.json` names the transformers version). bermo's run here mirrors the reference's
/// settings on the real checkpoint and real SST-2 rows: 4 steps of 8, evaluation every 2, 32 training and 16 dev rows.
@Suite("bermo finetune: Hugging Face-compatible output files (real checkpoint and data, keys from transformers)")
struct HFOutputFilesTests {
    static let reference = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/hf-trainer-outputs")
    static let files = ["eval_results.json", "train_results.json", "all_results.json", "trainer_state.json"]

    /// The layout of a JSON value: objects by key (recursively), an array as the set of its elements' layouts (the
    /// kinds of `log_history` entries: training, evaluation, the closing summary), any other value a leaf.
    indirect enum Layout: Hashable, CustomStringConvertible {
        case leaf
        case object([String: Layout])
        case array(Set<Layout>)

        init(_ value: Any) {
            if let object = value as? [String: Any] { self = .object(object.mapValues(Layout.init)) }
            else if let array = value as? [Any] { self = .array(Set(array.map(Layout.init))) }
            else { self = .leaf }
        }

        var description: String {
            switch self {
            case .leaf: "·"
            case .object(let fields): "{" + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
            case .array(let kinds): "[" + kinds.map(\.description).sorted().joined(separator: " | ") + "]"
            }
        }
    }

    struct Run {
        let directory: URL
        let stdout: String
        /// The 16 dev rows and their final logits (`--predictions`).
        let dev: [(text: String, label: Int)]
        let logits: [[Double]]
        let train: URL

        func file(_ name: String) throws -> [String: Any] { try Outputs.json(directory.appendingPathComponent(name)) }
    }

    static func finetune(in dir: TemporaryDirectory) throws -> Run {
        let train = try dir.write(try firstRows(32, of: DataPaths.glue("SST-2/train.tsv")), to: "train.tsv")
        let devText = try firstRows(16, of: DataPaths.glue("SST-2/dev.tsv"))
        let dev = try dir.write(devText, to: "dev.tsv")
        let out = dir.file("out"), predictions = dir.file("logits.jsonl")
        let r = try CLI.run(["finetune", "--train", train.path, "--dev", dev.path, "--head", "bermo", "--seed", "1",
                             "--per-device-train-batch-size", "8", "--max-steps", "4", "--eval-steps", "2", "--threads", "2",
                             "--max-seq-length", "64", "--learning-rate", "5e-5", "--output-dir", out.path,
                             "--predictions", predictions.path])
        try #require(r.status == 0, "\(r.stderr)")
        let rows = devText.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let logits = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["logits"] as? [Double]) ?? []
        }
        return Run(directory: out, stdout: r.stdout, dev: rows.map { (String($0[0]), Int($0[1]) ?? -1) }, logits: logits, train: train)
    }

    static func firstRows(_ count: Int, of file: URL) throws -> String {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.prefix(count + 1).joined(separator: "\n") + "\n"
    }

    /// The file as transformers' tools see it: bermo's own section (`bermo`) set aside.
    static func withoutBermo(_ object: [String: Any]) -> [String: Any] { object.filter { $0.key != "bermo" } }

    static func kinds(_ log: [[String: Any]]) -> Set<Set<String>> { Set(log.map { Set($0.keys) }) }

    @Test("the four files and a checkpoint's trainer_state.json have transformers' keys; their values are bermo's results")
    func filesMatchTransformersLayoutAndBermoResults() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let provenance = try Outputs.json(Self.reference.appendingPathComponent("provenance.json"))
        try #require(provenance["transformers"] is String, "the fixture does not record the transformers version it came from")
        let run = try Self.finetune(in: dir)

        // Keys, recursively (log_history by entry kind), against transformers' own files.
        for (mine, theirs) in Self.files.map({ ($0, $0) }) + [("checkpoint/trainer_state.json", "checkpoint-trainer_state.json")] {
            let expected = Layout(try Outputs.json(Self.reference.appendingPathComponent(theirs)))
            let actual = Layout(Self.withoutBermo(try run.file(mine)))
            #expect(actual == expected, "\(mine) vs transformers \(provenance["transformers"] ?? "?")'s \(theirs):\n  bermo:        \(actual)\n  transformers: \(expected)")
        }
        let state = try run.file("trainer_state.json")
        let history = try #require(state["log_history"] as? [[String: Any]])
        let referenceLog = try #require(try Outputs.json(Self.reference.appendingPathComponent("trainer_state.json"))["log_history"] as? [[String: Any]])
        #expect(Self.kinds(history).count == 3 && Self.kinds(history) == Self.kinds(referenceLog))

        // Values: the run's own results, read from bermo's section and from the run's dev logits.
        let eval = try run.file("eval_results.json"), train = try run.file("train_results.json")
        let outcome = try #require(eval["bermo"] as? [String: Any])
        let accuracy = try #require((outcome["metrics"] as? [String: Double])?["accuracy"])
        #expect(eval["eval_accuracy"] as? Double == accuracy)
        #expect(run.stdout.contains("\"accuracy\" : \(accuracy)"), "\(run.stdout)")
        #expect(outcome["status"] as? String == "completed")
        #expect(eval["eval_samples"] as? Int == 16 && train["train_samples"] as? Int == 32)
        let all = try run.file("all_results.json")
        #expect(Outputs.canonical(all) == Outputs.canonical(train.merging(eval) { _, e in e }))

        // eval_loss is the mean cross-entropy of the final dev logits.
        try #require(run.logits.count == 16 && run.dev.count == 16)
        var crossEntropy = 0.0
        for (logits, row) in zip(run.logits, run.dev) {
            let top = logits.max() ?? 0
            let sum: Double = logits.map { exp($0 - top) }.reduce(0, +)
            crossEntropy += (top + log(sum) - logits[row.label]) / 16
        }
        let evalLoss = try #require(eval["eval_loss"] as? Double)
        #expect(abs(evalLoss - crossEntropy) < 1e-6, "eval_loss \(evalLoss), cross-entropy of the dev logits \(crossEntropy)")

        // The trainer state: steps, intervals, the log against bermo's own log, the best evaluation.
        let section = try #require(state["bermo"] as? [String: Any])
        let bermoLog = try #require(section["log_history"] as? [[String: Any]])
        #expect(state["global_step"] as? Int == 4 && state["max_steps"] as? Int == 4 && outcome["steps"] as? Int == 4)
        #expect(["eval_steps", "logging_steps", "save_steps"].allSatisfy { state[$0] as? Int == 2 })
        #expect(state["train_batch_size"] as? Int == 8 && state["num_train_epochs"] as? Int == 1)
        let trainEntries = history.filter { $0["loss"] != nil }, evalEntries = history.filter { $0["eval_loss"] != nil }
        #expect(trainEntries.map { $0["step"] as? Int } == [2, 4] && evalEntries.map { $0["step"] as? Int } == [2, 4])
        #expect(bermoLog.map { $0["step"] as? Int } == [2, 4])
        for (entry, own) in zip(evalEntries, bermoLog) {
            #expect(entry["eval_accuracy"] as? Double == (own["eval"] as? [String: Double])?["accuracy"])
        }
        // The same single-precision numbers: bermo's log prints them shortest, transformers' layout as doubles (as torch's .item()).
        func single(_ entry: [String: Any], _ key: String) -> Float? { (entry[key] as? Double).map(Float.init) }
        for (entry, own) in zip(trainEntries, bermoLog) {
            #expect(single(entry, "grad_norm") == single(own, "grad_norm") && single(entry, "learning_rate") == single(own, "learning_rate"))
            #expect(single(entry, "grad_norm") != nil && single(entry, "learning_rate") != nil)
        }
        // train_loss (summed step by step) is the mean of the two logged 2-step means.
        let means = trainEntries.compactMap { $0["loss"] as? Double }
        let trainLoss = try #require(train["train_loss"] as? Double)
        #expect(means.count == 2 && abs(trainLoss - (means[0] + means[1]) / 2) < 1e-9, "train_loss \(trainLoss), logged means \(means)")
        let scores = zip(evalEntries.compactMap { $0["step"] as? Int }, evalEntries.compactMap { $0["eval_accuracy"] as? Double })
        let best = try #require(scores.max { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 > $1.0) })
        #expect(state["best_metric"] as? Double == best.1 && state["best_global_step"] as? Int == best.0)
        let checkpoint = run.directory.appendingPathComponent("checkpoint").path
        #expect(state["best_model_checkpoint"] as? String == (best.0 == 4 ? checkpoint : nil))

        // total_flos: transformers' 6 × non-embedding parameters × input tokens. One epoch of 4 × 8 covers each of the
        // 32 training rows once, so the tokens are theirs, counted here by `bermo encode`; the parameters are those of
        // the saved checkpoint.
        let tokens = try Self.tokenCount(of: run.train, in: dir)
        #expect(state["num_input_tokens_seen"] as? Int == tokens)
        let saved = try SafetensorsFile(contentsOf: run.directory.appendingPathComponent("checkpoint/model.safetensors"))
        let tables = ["word_embeddings", "position_embeddings", "token_type_embeddings"]
        let parameters = saved.tensorNames.filter { name in !tables.contains { name.contains($0) } }
            .reduce(0) { $0 + (saved.info($1)?.shape.reduce(1, *) ?? 0) }
        #expect(state["total_flos"] as? Double == 6 * Double(parameters) * Double(tokens) && train["total_flos"] as? Double == state["total_flos"] as? Double)
    }

    /// Tokens of the training rows at `--max-seq-length 64`, as `bermo encode` tokenizes them.
    static func tokenCount(of train: URL, in dir: TemporaryDirectory) throws -> Int {
        let rows = try String(contentsOf: train, encoding: .utf8).split(separator: "\n").dropFirst()
        let input = try dir.write(rows.map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[0]) }.joined(separator: "\n") + "\n",
                                  to: "sentences.txt")
        let output = dir.file("encoded.jsonl")
        let r = try CLI.run(["encode", "--input", input.path, "--output", output.path, "--layers", "0", "--pool", "cls",
                             "--max-length", "64", "--threads", "2"])
        try #require(r.status == 0, "\(r.stderr)")
        return try String(contentsOf: output, encoding: .utf8).split(separator: "\n").reduce(0) { total, line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return total + ((object?["input_ids"] as? [Int])?.count ?? 0)
        }
    }
}
