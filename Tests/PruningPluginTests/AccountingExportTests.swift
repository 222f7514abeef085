import BermoTestSupport
import BermoRuntime
import Foundation
@testable import PruningPlugin
import Testing

@Suite("Accounting and export of pruned models")
struct AccountingExportTests {
    /// The tiny model: 2 layers × (4·8·8 + 2·8·16) = 1,024 masked weights; per layer 88 encoder biases and
    /// LayerNorm parameters (qkv 24, attention output 8, LN 16, intermediate 16, output 8, LN 16) → 176.
    @Test("remaining weights over the masked matrices and counts_parameters-style over the encoder")
    func accounting() throws {
        Compute.configure(threads: 2)
        let model = try BertModel(config: .tiny, numLabels: 2, mix: MixConfig(), seed: 1)
        let s = try PruningSchedule(method: MagnitudePruning(), model: model,
                                    schedule: CubicSchedule(initialThreshold: 0.25, finalThreshold: 0.25, warmupSteps: 0, totalSteps: 5))
        let r = s.report()
        #expect(r.prunedMatrixWeights == 1024 && r.encoderUnprunedParameters == 176 && r.encoderParameters == 1200)
        #expect(r.matrices.count == 12)
        #expect(r.remainingMatrixWeights == 256)  // int(0.25·64) = 16 ×4, int(0.25·128) = 32 ×2, per layer
        #expect(r.remainingFraction == 0.25 && r.sparsity == 0.75)
        #expect(r.remainingEncoderParameters == 432)
        #expect(abs(r.encoderRemainingFraction - 0.36) < 1e-12)
        let fields = s.logFields(model: model)
        #expect(fields["remaining_weights"] == 0.25 && fields["sparsity"] == 0.75)
        #expect(fields["remaining_encoder_weights"] == 0.36 && fields["threshold"] == 0.25 && fields["lambda"] == 0)
        // A dense model measured by its non-zeros.
        let dense = SparsityReport.measure(try BertModel(config: .tiny, numLabels: 2, seed: 1))
        #expect(dense.remainingFraction == 1 && dense.encoderRemainingFraction == 1)
        // L0 counts entries whose deterministic mask is above 0 (counts_parameters.py's `mask > 0`).
        let l0 = try PruningSchedule(method: L0Pruning(), model: model,
                                     schedule: CubicSchedule(initialThreshold: 1, finalThreshold: 1, warmupSteps: 0, totalSteps: 5))
        for i in 0..<l0.maskedCount where i % 4 == 0 { l0.scores!.base[i] = -3 }  // sigmoid(-3)·1.2 − 0.1 < 0
        l0.prepareEvaluation(model: model)
        #expect(l0.report().remainingMatrixWeights == 768)
    }

    @Test("export writes zeros where masked, loads back with BertModel.load, and measures the same sparsity")
    func exportRoundTrip() throws {
        Compute.configure(threads: 2)
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let source = tmp.url.appendingPathComponent("source"), out = tmp.url.appendingPathComponent("pruned")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Tiny.config(directory: source)
        for variant in HeadVariant.allCases {
            let model = try BertModel(config: .tiny, numLabels: 2, mix: variant == .bermo ? MixConfig() : nil, seed: 4)
            let s = try PruningSchedule(method: MovementPruning(), model: model,
                                        schedule: CubicSchedule(initialThreshold: 0.2, finalThreshold: 0.2, warmupSteps: 0, totalSteps: 5))
            var rng = SeededRandom(seed: 2)
            for i in 0..<s.maskedCount { s.scores!.base[i] = rng.nextNormal() }
            s.prepareEvaluation(model: model)
            try s.export(to: out, sourceDirectory: source, kind: .classification(labels: ["neg", "pos"]))
            let loaded = try BertModel.load(directory: out, numLabels: 2, mix: variant == .bermo ? MixConfig() : nil)
            #expect(!loaded.notes.contains { $0.contains("initialised fresh") }, "\(loaded.notes)")
            for m in s.matrices {
                let mask = s.masks.base + m.start, w = model.parameters[m.parameterOffset], l = loaded.parameters[m.parameterOffset]
                for j in 0..<m.count { #expect(l[j] == (mask[j] == 0 ? 0 : w[j])) }
            }
            // Everything else is the trained model's.
            for t in model.layout.tensors where !s.matrices.contains(where: { $0.parameterOffset == t.offset }) {
                #expect(Array(UnsafeBufferPointer(start: loaded.parameters[t.offset], count: t.count))
                        == Array(UnsafeBufferPointer(start: model.parameters[t.offset], count: t.count)), "\(t.name)")
            }
            #expect(SparsityReport.measure(loaded).remainingMatrixWeights == s.report().remainingMatrixWeights)
            // The exported model computes what the masked one evaluates.
            let a = Activations(), b = Activations()
            model.forwardEncoder(Tiny.batch, a); loaded.forwardEncoder(Tiny.batch, b)
            let n = Tiny.batch.tokenCount * 8
            for i in 0..<n { #expect(abs(a.hiddenState(2)[i] - b.hiddenState(2)[i]) < 1e-6) }
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as! [String: Any]
            let pruning = try #require(config["pruning"] as? [String: Any])
            #expect(pruning["method"] as? String == "movement")
            #expect((config["id2label"] as? [String: String])?["1"] == "pos")
        }
    }

    @Test("bakeMasks writes M ⊙ W into the model and removes the effective weights")
    func bake() throws {
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 4)
        let s = try PruningSchedule(method: MagnitudePruning(), model: model,
                                    schedule: CubicSchedule(initialThreshold: 0.1, finalThreshold: 0.1, warmupSteps: 0, totalSteps: 5))
        let expected = s.prunedParameters().array
        s.bakeMasks()
        #expect(model.effectiveWeights == nil)
        #expect(model.parameters.array == expected)
        #expect(abs(SparsityReport.measure(model).remainingFraction - s.report().remainingFraction) < 1e-12)
    }

    struct Interrupted: Error {}

    @Test("a fine-pruning run killed after a checkpoint resumes to the weights and scores of an uninterrupted run",
          arguments: ["movement", "magnitude-global", "l0"])
    func resumeRun(_ variant: String) throws {
        Compute.configure(threads: 2)
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let source = tmp.url.appendingPathComponent("source"), ckpt = tmp.url.appendingPathComponent("ckpt")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Tiny.config(directory: source)
        let train = Tiny.examples(48, seed: 3), dev = Tiny.examples(8, seed: 4)
        func make() throws -> (FineTuner, PruningSchedule) {
            let model = try BertModel(config: .tiny, numLabels: 2, seed: 6)
            var config = try Tiny.tuner(model).config
            config.maxSteps = 24; config.warmupSteps = 2; config.evalSteps = 10; config.learningRate = 5e-3
            let tuner = try FineTuner(model: model, tokenizer: try Tiny.tokenizer(), config: config, kind: .classification(labels: ["0", "1"]))
            var o = PruningOptions(); o.globalTopK = variant == "magnitude-global"; o.globalTopKInterval = 7
            let method: any PruningMethod = switch variant {
            case "movement": MovementPruning()
            case "l0": L0Pruning()
            default: MagnitudePruning()
            }
            let s = try PruningSchedule(method: method, model: model, fineTune: config, trainCount: train.count,
                                        finalThreshold: variant == "l0" ? 1 : 0.2, finalLambda: variant == "l0" ? 5 : 0, options: o)
            tuner.hook = s
            return (tuner, s)
        }
        let (full, fullSchedule) = try make()
        let result = try full.train(train, dev: dev)
        let (killed, _) = try make()
        #expect(throws: Interrupted.self) {
            _ = try killed.train(train, dev: dev, checkpoint: {
                try TrainerCheckpoint.save($0, sourceDirectory: source, to: ckpt)   // saves the hook's state too
                throw Interrupted()
            })
        }
        let (resumed, resumedSchedule) = try make()
        try TrainerCheckpoint.resume(resumed, from: ckpt)                         // restores it
        #expect(FileManager.default.fileExists(atPath: ckpt.appendingPathComponent("pruning.safetensors").path))
        let second = try resumed.train(train, dev: dev)
        #expect(second.logHistory.map(\.step) == result.logHistory.map(\.step))
        func close(_ a: [Float], _ b: [Float]) -> Bool {
            zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) }
        }
        #expect(close(full.model.parameters.array, resumed.model.parameters.array))
        if let a = fullSchedule.scores, let b = resumedSchedule.scores { #expect(close(a.array, b.array)) }
        #expect(fullSchedule.report() == resumedSchedule.report())
        #expect(result.logHistory.last?.extra == second.logHistory.last?.extra)
    }

    @Test("scores and their moments survive saveState / restoreState")
    func resumeState() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 4)
        let sched = CubicSchedule(initialThreshold: 0.3, finalThreshold: 0.3, warmupSteps: 0, totalSteps: 5)
        let s = try PruningSchedule(method: MovementPruning(), model: model, schedule: sched)
        for i in 0..<s.maskedCount { s.scores!.base[i] = Float(i % 17) - 8; s.optimizer!.m.base[i] = 0.5 }
        s.optimizer!.restore(step: 7)
        try s.saveState(to: tmp.url)
        let t = try PruningSchedule(method: MovementPruning(), model: model, schedule: sched)
        try t.restoreState(from: tmp.url)
        #expect(t.scores!.array == s.scores!.array && t.optimizer!.m.array == s.optimizer!.m.array && t.optimizer!.step == 7)
        let other = try PruningSchedule(method: SoftMovementPruning(), model: model,
                                        schedule: CubicSchedule(initialThreshold: 0, finalThreshold: 0.1, warmupSteps: 1, totalSteps: 5))
        #expect(throws: SettingError.self) { try other.restoreState(from: tmp.url) }
        // A negative Adam step (which would turn the bias correction into NaN) is refused.
        s.optimizer!.restore(step: -1)
        try s.saveState(to: tmp.url)
        let negative = #expect(throws: SettingError.self) { try t.restoreState(from: tmp.url) }
        #expect(negative?.message.contains("adam_step") == true, "\(negative?.message ?? "")")
    }
}
