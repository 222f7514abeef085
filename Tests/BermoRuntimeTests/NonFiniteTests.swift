import BermoTestSupport
@testable import BermoRuntime
import Foundation
import Testing

/// NaN and infinite weights: noted when a checkpoint loads, refused where they would reach an output (JSON has
/// no NaN), and a training step they poison ends the run as diverged instead of spreading NaN into every weight.
@Suite("Hostile models: non-finite weights")
struct NonFiniteTests {
    @Test func nonFiniteWeightsAreNotedAtLoad() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let folder = try CheckpointMatchTests.tinyFolder(directory) { model in
            let t = model.layout.tensor(named: "encoder.layer.0.attention.output.dense.weight")!
            model.parameters[t.offset][3] = .nan
            model.parameters[t.offset][7] = .infinity
        }
        let model = try BertModel.load(directory: folder)
        let note = model.notes.first { $0.contains("non-finite") }
        #expect(note?.contains("bert.encoder.layer.0.attention.output.dense.weight (2 values)") == true, "\(model.notes)")
        let other = try TemporaryDirectory(); defer { other.cleanup() }
        let clean = try BertModel.load(directory: try CheckpointMatchTests.tinyFolder(other))
        #expect(!clean.notes.contains { $0.contains("non-finite") })
    }

    static func tokenizer(in directory: TemporaryDirectory) throws -> Tokenizer {
        try Tokenizer(vocabularyFile: try directory.write(TokenIdBoundsTests.twelve.joined(separator: "\n"), to: "vocab.txt"))
    }

    @Test func theEncoderNamesTheSentenceWhoseVectorIsNotANumber() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let model = try BertModel(config: .tiny, seed: 1)
        model.parameters[model.layout.wordEmbeddings + 7 * 8][0] = .nan  // the row of "film"
        let encoder = try SentenceEncoder(model: model, tokenizer: try Self.tokenizer(in: directory), maxLength: 16)
        let error = #expect(throws: RuntimeError.self) {
            try encoder.encode(["good", "bad", "a good film"], layers: [0, 2], poolings: [.mean], naming: { "input.txt:\($0 + 1)" })
        }
        #expect(error?.message.hasPrefix("input.txt:3: its mean vector of layer 0 is not a number") == true, "\(error?.message ?? "")")
        let fine = try encoder.encode(["good", "bad"], layers: [0, 2], poolings: [.cls, .mean])
        #expect(fine.values.values.allSatisfy { $0.allSatisfy(\.isFinite) })
    }

    @Test func aNonFiniteGradientEndsTheRunAsDivergedAndLeavesTheWeights() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 1)
        model.parameters[model.layout.poolerWeight][0] = .infinity  // tanh keeps the loss finite, the gradient is not
        var config = FineTuneConfig(); config.perDeviceTrainBatchSize = 4; config.maxSteps = 3; config.maxSeqLength = 16
        let tuner = try FineTuner(model: model, tokenizer: try Self.tokenizer(in: directory), config: config,
                                  kind: .classification(labels: ["0", "1"]))
        let before = model.parameters.array
        let examples = (0..<8).map { Example(text: $0 % 2 == 0 ? "good film" : "bad film", label: $0 % 2) }
        let result = try tuner.train(examples, dev: examples)
        #expect(result.status == .diverged && result.divergedAtStep == 1, "\(result.status) \(String(describing: result.divergenceReason))")
        #expect(result.divergenceReason?.contains("gradient norm") == true)
        #expect(zip(before, model.parameters.array).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }
}
