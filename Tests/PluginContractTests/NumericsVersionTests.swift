import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// The runtime's golden numbers, recorded in `Tests/Fixtures/golden/numerics.json` with
/// `Numerics.version`: what every numeric path of the real minilm-l6 checkpoint touches. Tokenization and
/// the forward pass (`bermo encode`: 3 sentences, [CLS] and mean vectors of hidden states 0, 3 and 6),
/// and training (`bermo finetune`, both heads: 3 seeded steps on 16 SST-2 rows with dropout, AdamW,
/// clipping, warm-up; the loss, gradient norm, learning rate and dev accuracy of each step, the mix, and
/// the final dev logits). Run through the CLI with pinned kernels (see `PinnedCLI`). A runtime change that
/// moves any of them without bumping `Numerics.version` fails; re-record with
/// `BERMO_RECORD_GOLDEN=1 swift test --filter NumericsVersionTests` after the bump.
@Suite struct NumericsVersionTests {
    static let fixture = PluginVersionTests.directory.appendingPathComponent("numerics.json")
    static let subjects = GoldenSubjects(
        fixture: "Tests/Fixtures/golden/numerics.json", kind: "runtime",
        recordCommand: "BERMO_RECORD_GOLDEN=1 swift test --filter NumericsVersionTests",
        bumpAdvice: { _ in "bump `Numerics.version` (Sources/BermoRuntime/Numerics.swift)" })

    static let sentences = ["The cat sat on the mat.", "Unbelievably, it wasn't raining in Zürich!", "a"]
    /// Which components of each 384-wide vector are recorded, beside the sum and the sum of squares of all.
    static let components = [0, 1, 2, 191, 383]

    @Test("the runtime's golden numbers are the recorded ones, unless Numerics.version was bumped")
    func goldenNumbers() throws {
        let cli = try PinnedCLI("golden-numerics")
        defer { cli.cleanup() }
        var outputs: [String: JSONValue] = ["encode": try encode(cli)]
        let train = try cli.directory.write(try Self.firstRows(16, of: DataPaths.glue("SST-2/train.tsv")), to: "train.tsv")
        let dev = try cli.directory.write(try Self.firstRows(16, of: DataPaths.glue("SST-2/dev.tsv")), to: "dev.tsv")
        let heads = ["bert", "bermo"]
        let runs = inParallel(heads) { head in Result { try Self.finetune(cli, head: head, train: train, dev: dev) } }
        for (head, run) in zip(heads, runs) { outputs["finetune \(head)"] = try run.get() }
        let current = ["runtime": GoldenEntry(versions: ["numerics": Numerics.version], outputs: .object(outputs))]

        let recording = GoldenCheck.recordingRequested
        let outcome = GoldenCheck.reconcile(recorded: try GoldenFile.read(Self.fixture), current: current,
                                            subjects: Self.subjects, recording: recording)
        if recording { try outcome.file.write(to: Self.fixture) }
        #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n"))")
    }

    /// Token ids, and per pooling and hidden state a few components, the sum and the sum of squares.
    func encode(_ cli: PinnedCLI) throws -> JSONValue {
        let input = try cli.directory.write(Self.sentences.joined(separator: "\n") + "\n", to: "sentences.txt")
        let output = cli.directory.file("encoded.jsonl")
        _ = try cli.run(["encode", "--threads", "1", "--input", input.path, "--output", output.path,
                         "--layers", "0,3,6", "--pool", "cls,mean", "--max-length", "32"])
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        try #require(lines.count == Self.sentences.count)
        var out: [String: JSONValue] = [:]
        for (i, line) in lines.enumerated() {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            var sentence: [String: JSONValue] = ["input_ids": json["input_ids"] ?? .null]
            for pooling in ["cls", "mean"] {
                let vectors = try #require(json[pooling]?.arrayValue)
                for (layer, vector) in zip([0, 3, 6], vectors) {
                    let v = (vector.arrayValue ?? []).compactMap(\.doubleValue)
                    try #require(v.count == 384, "\(pooling) vector of layer \(layer) has \(v.count) components")
                    sentence["\(pooling) layer \(layer)"] = .object([
                        "components": .array(Self.components.map { .double(v[$0]) }),
                        "sum": .double(v.reduce(0, +)),
                        "sum_of_squares": .double(v.reduce(0) { $0 + $1 * $1 }),
                    ])
                }
            }
            out["sentence \(i)"] = .object(sentence)
        }
        return .object(out)
    }

    /// Three steps on the first 16 SST-2 training rows, evaluated on the first 16 dev rows after each.
    static func finetune(_ cli: PinnedCLI, head: String, train: URL, dev: URL) throws -> JSONValue {
        let out = cli.directory.file("finetune-\(head)")
        let logits = cli.directory.file("logits-\(head).jsonl")
        _ = try cli.run(["finetune", "--threads", "1", "--train", train.path, "--dev", dev.path, "--head", head, "--seed", "1",
                         "--output-dir", out.path, "--predictions", logits.path, "--max-steps", "3", "--eval-steps", "1",
                         "--per-device-train-batch-size", "8", "--max-seq-length", "32", "--learning-rate", "1e-4"])
        let state = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: out.appendingPathComponent("trainer_state.json")))
        let rows = try String(contentsOf: logits, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8))["logits"] ?? .null }
        guard rows.count == 16 else { throw GoldenRunFailure(description: "\(logits.path): \(rows.count) rows of logits, expected 16") }
        // bermo's own log (trainer_state.json's `bermo` section), with the fields recorded before the file took
        // transformers' layout: the ones added since (mean loss, eval loss, eval time) are functions of recorded
        // numbers (each step's loss at eval_steps 1, the dev logits) or, the time, no number at all.
        let recorded: Set = ["step", "epoch", "examples_seen", "loss", "learning_rate", "grad_norm", "eval", "evals", "mix_weights",
                             "mix_gamma", "extra", "collapsed"]
        let log = (state["bermo"]?["log_history"]?.arrayValue ?? []).map { entry in
            JSONValue.object((entry.objectValue ?? [:]).filter { recorded.contains($0.key) })
        }
        return .object(["log_history": .array(log), "dev_logits": .array(rows)])
    }

    /// The header and the first `count` rows of a TSV (the real file must be there: no silent skip).
    static func firstRows(_ count: Int, of file: URL) throws -> String {
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n", maxSplits: count + 1).prefix(count + 1).joined(separator: "\n") + "\n"
    }
}
