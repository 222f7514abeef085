import BermoRuntime
import BermoTestSupport
import Foundation

/// The untrusted inputs of issue #13 and the commands that read them. Model files are fuzzed on a tiny
/// model (two layers 32 wide with MiniLM's real vocabulary and tokenizer files), so a case costs a process
/// start and milliseconds of arithmetic.
enum FuzzTargets {
    /// What the cases share: the tiny model, a checkpoint of it, small inputs. Made once per test process.
    final class Fixture: Sendable {
        let root: URL
        var model: URL { root.appendingPathComponent("tiny-model") }
        var checkpointRun: URL { root.appendingPathComponent("finetuned") }
        var sentences: URL { root.appendingPathComponent("sentences.txt") }
        var sst2: URL { root.appendingPathComponent("sst2.tsv") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("bermo-fuzz-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
            try ModelFolders.writeTiny(to: model)
            // The tiny model's tokenizer is its vocab.txt (which the `vocab` target mutates): MiniLM's 466 KB
            // tokenizer.json would be read instead and makes every case of a debug build slower to start; the
            // `tokenizer-json` target brings its own.
            try FileManager.default.removeItem(at: model.appendingPathComponent("tokenizer.json"))
            let train = try String(contentsOf: DataPaths.glue("SST-2/train.tsv"), encoding: .utf8).split(separator: "\n")
            try (train.prefix(13).joined(separator: "\n") + "\n").write(to: sst2, atomically: true, encoding: .utf8)
            try (train.dropFirst().prefix(6).map { $0.split(separator: "\t")[0] }.joined(separator: "\n") + "\n")
                .write(to: sentences, atomically: true, encoding: .utf8)
            // A finished run with its checkpoint: `--resume` with the same options reads and checks it, and finds nothing left to do.
            let r = try CLI.run(["finetune", "--model", model.path, "--train", sst2.path, "--dev", sst2.path] + FuzzTargets.shortRun
                + ["--output-dir", checkpointRun.path])
            guard r.status == 0 else { throw FixtureError("bermo finetune for the checkpoint fixture failed: \(r.stderr)") }
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    struct FixtureError: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    nonisolated(unsafe) private static var shared: Result<Fixture, Error>?
    private static let lock = NSLock()
    static func fixture() throws -> Fixture {
        try lock.withLock {
            if shared == nil { shared = Result { try Fixture() } }
            return try shared!.get()
        }
    }

    static let shortRun = ["--per-device-train-batch-size", "4", "--per-device-eval-batch-size", "8", "--max-seq-length", "16",
                           "--eval-steps", "1", "--threads", "1", "--max-steps", "2"]

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    /// Hard links (or copies) every file of `source` into `dir`, but those named in `except`.
    static func link(_ source: URL, into dir: URL, except: [String]) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where !except.contains(name) {
            let from = source.appendingPathComponent(name), to = dir.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: from.path, isDirectory: &isDirectory)
            if isDirectory.boolValue { try link(from, into: to, except: except) } else { try FileManager.default.linkItem(at: from, to: to) }
        }
    }

    /// `bermo encode` of the fixture's sentences with the model in `model`; every output line must be a JSON object.
    static func encode(model: URL, input: URL, in dir: URL, timeout: Double) throws -> CLI.Result {
        try CLI.run(["encode", "--model", model.path, "--input", input.path, "--output", dir.appendingPathComponent("out.jsonl").path,
                     "--threads", "1", "--layers", "all"], timeout: timeout)
    }

    @Sendable static func jsonLines(_ dir: URL, _: CLI.Result) -> String? {
        guard let text = try? String(contentsOf: dir.appendingPathComponent("out.jsonl"), encoding: .utf8) else { return "exit 0 but no readable output" }
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            guard (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any] else {
                return "exit 0 but output line \(n + 1) is not a JSON object: \(line.prefix(120))"
            }
        }
        return nil
    }

    /// A model file of the tiny model, mutated; the command encodes six sentences with it.
    static func modelFile(_ name: String, file: String, dictionary: [String], structure: Mutator.Structure = .bytes, seeds: [[UInt8]],
                          tail: [UInt8] = []) throws -> FuzzTarget {
        let f = try fixture()
        return FuzzTarget(name: name, fileName: file, seeds: seeds, dictionary: dictionary, structure: structure, tail: tail,
                          prepare: { dir in try link(f.model, into: dir, except: [file]) },
                          run: { dir, timeout in try encode(model: dir, input: f.sentences, in: dir, timeout: timeout) },
                          checkSuccess: jsonLines)
    }

    static func suite() throws -> FuzzTarget {
        let suites = try ["quickstart.yaml", "glue.yaml", "senteval-probing.yaml", "mix-lr.yaml"].map { try bytes(CLI.packageRoot.appendingPathComponent("suites/\($0)")) }
        return FuzzTarget(name: "suite", fileName: "suite.yaml", seeds: suites,
                          dictionary: ["&a ", "*a", "<<: *a", "[", "]", "{", "}", ": ", "- ", "? ", "!!str ", "!tag ", "---\n", "...\n", "#",
                                       "'", "\"", "|\n", ">\n", "tasks:", "variants:", "seeds: ", "plugin: ", "include: [x.yaml]", "null", "~",
                                       "true", "0x10", ".inf", ".nan", "&b [*a, *a, *a, *a, *a, *a, *a, *a]",
                                       "compare: [{variant: bermo, against: bert}]\n", "welch: 0.05", "tolerance: {absolute: 0.01, welch: 0.05}\n"],
                          prepare: { dir in
                              // Shipped suites name their baseline relative to themselves.
                              try FileManager.default.createDirectory(at: dir.appendingPathComponent("baselines"), withIntermediateDirectories: true)
                              try FileManager.default.linkItem(at: CLI.packageRoot.appendingPathComponent("suites/baselines/quickstart.json"),
                                                               to: dir.appendingPathComponent("baselines/quickstart.json"))
                          },
                          run: { dir, timeout in try CLI.run(["validate", dir.appendingPathComponent("suite.yaml").path], timeout: timeout) },
                          failures: [2], named: [2])
    }

    static func glueTSV() throws -> FuzzTarget {
        let f = try fixture()
        return FuzzTarget(name: "glue-tsv", fileName: "train.tsv", seeds: [try bytes(f.sst2)],
                          dictionary: ["\t", "\"", "label", "sentence", "2", "0.5", "-1", "\t\t", "\n0\t1\n"],
                          run: { dir, timeout in
                              let train = dir.appendingPathComponent("train.tsv").path
                              return try CLI.run(["finetune", "--model", f.model.path, "--train", train, "--dev", train] + shortRun
                                  + ["--output-dir", dir.appendingPathComponent("out").path], timeout: timeout)
                          })
    }

    static func probeTSV() throws -> FuzzTarget {
        let f = try fixture()
        let lines = try String(contentsOf: DataPaths.senteval("past_present.txt"), encoding: .utf8).split(separator: "\n")
        var slice: [Substring] = []
        for (split, count) in [("tr", 12), ("va", 6), ("te", 6)] { slice += lines.filter { $0.hasPrefix("\(split)\t") }.prefix(count) }
        let suite = """
            suite: fuzz-probe
            model: \(f.model.path)
            variants: [bert]
            seeds: [1]
            tasks:
              - {task: tense, plugin: senteval.probe, file: probe.tsv, pooling: mean, max_epoch: 2}

            """
        return FuzzTarget(name: "probe-tsv", fileName: "probe.tsv", seeds: [Array((slice.joined(separator: "\n") + "\n").utf8)],
                          dictionary: ["tr\t", "va\t", "te\t", "PRES\t", "PAST\t", "\t", "\t\t", "xx\t"],
                          prepare: { dir in try suite.write(to: dir.appendingPathComponent("suite.yaml"), atomically: true, encoding: .utf8) },
                          run: { dir, timeout in
                              try CLI.run(["run", dir.appendingPathComponent("suite.yaml").path, "--output-dir", dir.appendingPathComponent("out").path,
                                           "--threads", "1"], environment: ["BERMO_CACHE": dir.appendingPathComponent("cache").path], timeout: timeout)
                          })
    }

    static func safetensors() throws -> FuzzTarget {
        let f = try fixture()
        let file = try bytes(f.model.appendingPathComponent("model.safetensors"))
        // The header (8-byte length, JSON) is mutated; the payload stays behind it.
        let headerLength = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return try modelFile("safetensors", file: "model.safetensors",
                             dictionary: ["\"dtype\":\"F16\"", "\"dtype\":\"I64\"", "\"shape\":[]", "\"shape\":[4294967296,4294967296]",
                                          "\"data_offsets\":[0,0]", "\"data_offsets\":[0,99999999999]", "\"__metadata__\":{}", "{", "}", ","],
                             structure: .safetensorsHeader, seeds: [Array(file.prefix(8 + headerLength))], tail: Array(file.dropFirst(8 + headerLength)))
    }

    static func config() throws -> FuzzTarget {
        let f = try fixture()
        return try modelFile("config", file: "config.json",
                             dictionary: ["\"num_hidden_layers\":", "\"hidden_size\":", "\"num_attention_heads\":", "\"vocab_size\":",
                                          "\"intermediate_size\":", "\"max_position_embeddings\":", "\"type_vocab_size\":", "1000000000", "3.5", "null",
                                          "\"model_type\":\"roberta\"", "[]", "{}"],
                             structure: .json, seeds: [try bytes(f.model.appendingPathComponent("config.json"))])
    }

    static func vocab() throws -> FuzzTarget {
        let f = try fixture()
        return try modelFile("vocab", file: "vocab.txt", dictionary: ["[CLS]\n", "[SEP]\n", "[PAD]\n", "[UNK]\n", "[MASK]\n", "##", "\n\n", "##s\n"],
                             seeds: [try bytes(f.model.appendingPathComponent("vocab.txt"))])
    }

    /// tokenizer.json, seeded with the small trained WordPiece and byte-level BPE of the parity fixture (their ids
    /// fit the tiny model's 30,522-row embedding).
    static func tokenizerJSON() throws -> FuzzTarget {
        let fixtures = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/tokenizers")
        return try modelFile("tokenizer-json", file: "tokenizer.json",
                             dictionary: ["\"type\":\"Precompiled\"", "\"type\":\"Sequence\"", "\"BertNormalizer\"", "\"ByteLevel\"",
                                          "\"BPE\"", "\"WordPiece\"", "\"TemplateProcessing\"", "\"RobertaProcessing\"", "\"lstrip\":true",
                                          "\"single_word\":true", "\"normalized\":true", "\"dropout\":0.5", "\"id\":", "-1", "4294967296",
                                          "2.5", "null", "[]", "{}", "\"\"", "\"Ġ\"", "\"##\""],
                             structure: .json,
                             seeds: [try bytes(fixtures.appendingPathComponent("wordpiece/tokenizer.json")),
                                     try bytes(fixtures.appendingPathComponent("bpe/tokenizer.json"))])
    }

    static func encodeInput() throws -> FuzzTarget {
        let f = try fixture()
        return FuzzTarget(name: "encode-input", fileName: "input.txt", seeds: [try bytes(f.sentences)],
                          dictionary: ["[CLS]", "[SEP]", "[PAD] ", "[MASK]", "\u{0301}", "\u{200B}", "😀", "ﬁ", "\u{0}", "İ", String(repeating: "a", count: 2000)],
                          run: { dir, timeout in try encode(model: f.model, input: dir.appendingPathComponent("input.txt"), in: dir, timeout: timeout) },
                          checkSuccess: jsonLines)
    }

    static func checkpoint() throws -> FuzzTarget {
        let f = try fixture()
        let state = "checkpoint/trainer_state.json"
        return FuzzTarget(name: "checkpoint", fileName: "trainer_state.json", seeds: [try bytes(f.checkpointRun.appendingPathComponent(state))],
                          dictionary: ["\"global_step\":", "-1", "1000000000", "2.5", "null", "\"epoch\":", "[]", "{}", "\"log_history\":"],
                          structure: .json,
                          prepare: { dir in try link(f.checkpointRun, into: dir.appendingPathComponent("out"), except: ["trainer_state.json"]) },
                          run: { dir, timeout in
                              // The mutated file is the checkpoint's; the run's own copy is linked.
                              let out = dir.appendingPathComponent("out")
                              try FileManager.default.moveItem(at: dir.appendingPathComponent("trainer_state.json"), to: out.appendingPathComponent(state))
                              try FileManager.default.linkItem(at: f.checkpointRun.appendingPathComponent("trainer_state.json"), to: out.appendingPathComponent("trainer_state.json"))
                              return try CLI.run(["finetune", "--model", f.model.path, "--train", f.sst2.path, "--dev", f.sst2.path] + shortRun
                                  + ["--output-dir", out.path, "--resume"], timeout: timeout)
                          })
    }

    static func results() throws -> FuzzTarget {
        let baseline = CLI.packageRoot.appendingPathComponent("suites/baselines/quickstart.json")
        return FuzzTarget(name: "results", fileName: "results.json", seeds: [try bytes(baseline)],
                          dictionary: ["\"metrics\":", "\"jobs\":", "\"schema_version\":", "1e309", "-1", "null", "\"nan\"", "[]", "{}", "\"suite\":",
                                       "\"welch\": 0.05", "\"comparisons\":", "\"compare\":", "\"values\":"],
                          structure: .json,
                          run: { dir, timeout in
                              try CLI.run(["compare", dir.appendingPathComponent("results.json").path, "--baseline", baseline.path], timeout: timeout)
                          },
                          // 1 is the gate's "regressed" (the mutated numbers may be worse), an answer like 0.
                          failures: [1, 2], named: [2])
    }
}
