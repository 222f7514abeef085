import BermoTestSupport
@testable import BermoRuntime
import Foundation
import Testing

/// A checkpoint folder is a file like any other: a `trainer_state.json` with an impossible step or a broken
/// RNG state used to crash the resumed run (a negative step indexes the example order before its start, an
/// RNG state of one word indexes past it). Resuming now refuses them, naming the file and the field.
@Suite("Hostile checkpoints: resuming from a corrupt trainer state")
struct ResumeStateTests {
    static let words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "film", "a", "b", "c", "d"]
    static let examples = (0..<8).map { Example(text: $0 % 2 == 0 ? "good film" : "bad film", label: $0 % 2) }

    /// A tiny classifier trained two steps, with a checkpoint saved at each; returns a fresh tuner to resume
    /// into and the checkpoint folder.
    static func savedRun(in directory: TemporaryDirectory) throws -> (fresh: () throws -> FineTuner, checkpoint: URL) {
        let vocab = try directory.write(words.joined(separator: "\n"), to: "source/vocab.txt")
        let tokenizer = try Tokenizer(vocabularyFile: vocab)
        var config = FineTuneConfig()
        config.perDeviceTrainBatchSize = 4; config.maxSteps = 2; config.evalSteps = 1; config.maxSeqLength = 16
        func tuner() throws -> FineTuner {
            try FineTuner(model: try BertModel(config: .tiny, numLabels: 2, seed: 1), tokenizer: tokenizer, config: config,
                          kind: .classification(labels: ["0", "1"]))
        }
        let checkpoint = directory.file("checkpoint")
        _ = try tuner().train(examples, dev: examples, checkpoint: {
            try TrainerCheckpoint.save($0, sourceDirectory: vocab.deletingLastPathComponent(), to: checkpoint)
        })
        return (tuner, checkpoint)
    }

    static func editState(_ checkpoint: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = checkpoint.appendingPathComponent("trainer_state.json")
        var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&state)
        try JSONSerialization.data(withJSONObject: state).write(to: url)
    }

    struct Corruption: CustomTestStringConvertible, Sendable {
        var label: String
        var edit: @Sendable (inout [String: Any]) -> Void
        var mustMention: [String]
        var testDescription: String { label }
    }

    static let corruptions: [Corruption] = [
        Corruption(label: "negative global_step", edit: { $0["global_step"] = -3 }, mustMention: ["global_step", "-3"]),
        Corruption(label: "fractional global_step", edit: { $0["global_step"] = 1.5 }, mustMention: ["'global_step'", "an integer"]),
        Corruption(label: "global_step as a string", edit: { $0["global_step"] = "2" }, mustMention: ["'global_step'", "an integer"]),
        Corruption(label: "global_step missing", edit: { $0["global_step"] = nil }, mustMention: ["'global_step'", "missing"]),
        Corruption(label: "RNG state of one word", edit: { editSection(&$0) { $0["rng"] = ["state": [1]] } },
                   mustMention: ["'bermo'.rng.state", "4 words", "found 1"]),
        Corruption(label: "RNG state all zero", edit: { editSection(&$0) { $0["rng"] = ["state": [0, 0, 0, 0]] } },
                   mustMention: ["'bermo'.rng.state", "all zero"]),
        Corruption(label: "log entry after global_step", edit: { state in
            editSection(&state) { section in
                var log = section["log_history"] as? [[String: Any]] ?? []
                log[0]["step"] = 99
                section["log_history"] = log
            }
        }, mustMention: ["bermo.log_history", "step 99", "global_step 2"]),
        Corruption(label: "bermo's section missing", edit: { $0["bermo"] = nil }, mustMention: ["'rng'", "missing"]),
    ]

    /// Edits bermo's own section of the file (`bermo`: RNG, settings, bermo's log), beside transformers' fields.
    static func editSection(_ state: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
        var section = state["bermo"] as? [String: Any] ?? [:]
        edit(&section)
        state["bermo"] = section
    }

    @Test(arguments: corruptions)
    func corruptStatesAreRefusedNamingTheField(_ corruption: Corruption) throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let (fresh, checkpoint) = try Self.savedRun(in: directory)
        try Self.editState(checkpoint, corruption.edit)
        let error = #expect(throws: RuntimeError.self) { try TrainerCheckpoint.resume(try fresh(), from: checkpoint) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix(checkpoint.appendingPathComponent("trainer_state.json").path), "\(message)")
        for text in corruption.mustMention { #expect(message.contains(text), "'\(text)' not in: \(message)") }
        #expect(message.contains("start over"), "\(message)")
    }

    @Test("a checkpoint written before trainer_state.json took transformers' layout (bermo's fields at the top) resumes to the same state")
    func aCheckpointInTheEarlierLayoutResumes() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let (fresh, checkpoint) = try Self.savedRun(in: directory)
        let current = try fresh()
        try TrainerCheckpoint.resume(current, from: checkpoint)
        try Self.editState(checkpoint) { state in
            let section = state["bermo"] as? [String: Any] ?? [:]
            state = section.merging(["global_step": state["global_step"] ?? -1]) { _, step in step }
        }
        let earlier = try fresh()
        try TrainerCheckpoint.resume(earlier, from: checkpoint)
        #expect(current.step == 2 && earlier.step == current.step)
        #expect(earlier.history == current.history && earlier.history.count == 2)
        #expect(earlier.rng == current.rng)
    }

    @Test func aStepBeyondTheRunsLengthIsRefusedWhenTrainingStarts() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let (fresh, checkpoint) = try Self.savedRun(in: directory)
        try Self.editState(checkpoint) { $0["global_step"] = 50 }
        let tuner = try fresh()
        try TrainerCheckpoint.resume(tuner, from: checkpoint)
        let error = #expect(throws: RuntimeError.self) { try tuner.train(Self.examples, dev: Self.examples) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix(checkpoint.appendingPathComponent("trainer_state.json").path), "\(message)")
        #expect(message.contains("global_step 50") && message.contains("2 steps"), "\(message)")
    }

    @Test func aStateThatIsNotJSONOrMomentsOfAnotherModelAreRefused() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let (fresh, checkpoint) = try Self.savedRun(in: directory)
        let state = checkpoint.appendingPathComponent("trainer_state.json")
        let good = try Data(contentsOf: state)
        try Data("{\"global_step\": ".utf8).write(to: state)
        let garbage = #expect(throws: RuntimeError.self) { try TrainerCheckpoint.resume(try fresh(), from: checkpoint) }
        #expect(garbage?.message.hasPrefix(state.path) == true && garbage?.message.contains("not valid JSON") == true,
                "\(garbage?.message ?? "")")

        try good.write(to: state)
        let moments = checkpoint.appendingPathComponent("optimizer.safetensors")
        try [Float](repeating: 0, count: 10).withUnsafeBufferPointer {
            try SafetensorsWriter.write([("adamw.m", [10], $0), ("adamw.v", [10], $0)], to: moments)
        }
        let wrong = #expect(throws: RuntimeError.self) { try TrainerCheckpoint.resume(try fresh(), from: checkpoint) }
        #expect(wrong?.message.contains(moments.path) == true && wrong?.message.contains("adamw.m") == true, "\(wrong?.message ?? "")")
    }
}
