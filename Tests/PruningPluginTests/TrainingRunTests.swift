import BermoTestSupport
import BermoRuntime
import Foundation
@testable import PruningPlugin
import Testing

/// Whole fine-pruning runs through `FineTuner.train` with the schedule as its hook.
@Suite("Pruning runs", .serialized)
struct TrainingRunTests {
    static func run(_ method: any PruningMethod, variant: HeadVariant = .bert, steps: Int = 40, warmup: Int = 4,
                    finalThreshold: Double, finalLambda: Double = 0, scoreLR: Float? = nil,
                    seed: UInt64 = 1) throws -> (PruningSchedule, TrainingResult, FineTuner) {
        Compute.configure(threads: 2)
        let model = try BertModel(config: .tiny, numLabels: 2, mix: variant == .bermo ? MixConfig() : nil, seed: seed)
        let tuner = try Tiny.tuner(model, learningRate: 5e-3)
        var config = tuner.config
        config.maxSteps = steps; config.warmupSteps = warmup; config.evalSteps = 10
        let t = try FineTuner(model: model, tokenizer: tuner.tokenizer, config: config, kind: tuner.kind)
        var o = PruningOptions(); o.scoreLearningRate = scoreLR
        let s = try PruningSchedule(method: method, model: model, fineTune: config, trainCount: 64,
                                    finalThreshold: finalThreshold, finalLambda: finalLambda, options: o)
        t.hook = s
        let result = try t.train(Tiny.examples(64, seed: 3), dev: Tiny.examples(16, seed: 4))
        return (s, result, t)
    }

    static func checkLog(_ result: TrainingResult) {
        #expect(result.status == .completed && result.steps == 40)
        #expect(result.logHistory.map(\.step) == [10, 20, 30, 40])
        for e in result.logHistory {
            #expect(e.loss.map { $0.isFinite } == true)
            #expect(e.eval?["accuracy"] != nil)
            #expect(e.extra?["sparsity"] != nil && e.extra?["remaining_encoder_weights"] != nil && e.extra?["threshold"] != nil)
        }
    }

    @Test("magnitude and movement reach exactly the target: int(0.1·n) of every matrix", arguments: ["magnitude", "movement"])
    func topKRuns(_ name: String) throws {
        let method: any PruningMethod = name == "magnitude" ? MagnitudePruning() : MovementPruning()
        let (s, result, _) = try Self.run(method, variant: name == "movement" ? .bermo : .bert, finalThreshold: 0.1)
        Self.checkLog(result)
        let r = s.report()
        #expect(r.matrices.allSatisfy { $0.remaining == Int(0.1 * Double($0.total)) })
        #expect(r.remainingMatrixWeights == 96)
        // The log follows the schedule: pruning from step 5, the final threshold from step 32 (T − f·W).
        let remaining = result.logHistory.map { $0.extra!["remaining_weights"]! }
        #expect(remaining[0] < 1 && remaining[0] > remaining[1] && remaining[1] > remaining[2] && remaining[2] >= remaining[3])
        #expect(remaining[3] == 96.0 / 1024)
        #expect(result.logHistory[3].extra!["threshold"] == 0.1)
        #expect(s.model.parameters.array.allSatisfy { $0.isFinite })
        if let scores = s.scores { #expect(scores.array.allSatisfy { $0.isFinite } && Set(scores.array).count > 100) }
    }

    @Test("soft movement: the penalty prunes far below dense and never under the 0.5% floor")
    func softMovementRun() throws {
        let (s, result, _) = try Self.run(SoftMovementPruning(), finalThreshold: 0.1, finalLambda: 50, scoreLR: 0.2)
        Self.checkLog(result)
        let r = s.report()
        #expect(r.remainingFraction < 0.2, "remaining \(r.remainingFraction)")
        #expect(r.matrices.allSatisfy { $0.remaining >= SoftMovementPruning.minimumKept($0.total) })
        #expect(result.logHistory.last!.extra!["lambda"] == 50)
        #expect(result.logHistory.allSatisfy { $0.extra!["regularization"]!.isFinite })
        // The target is the final τ: every matrix keeps exactly sigmoid(S) > 0.1, or its floor.
        for (m, counted) in zip(s.matrices, r.matrices) {
            let above = (0..<m.count).filter { 1 / (1 + exp(-Double(s.scores!.base[m.start + $0]))) > 0.1 }.count
            #expect(counted.remaining == max(above, SoftMovementPruning.minimumKept(m.count)))
        }
        // The penalty fell as the scores went down.
        #expect(result.logHistory.last!.extra!["regularization"]! < result.logHistory.first!.extra!["regularization"]!)
    }

    @Test("L0: the expected-L0 penalty closes gates; evaluation uses the deterministic mask")
    func l0Run() throws {
        let (s, result, t) = try Self.run(L0Pruning(), finalThreshold: 1, finalLambda: 20, scoreLR: 0.3)
        Self.checkLog(result)
        let r = s.report()
        #expect(r.remainingFraction < 0.3, "remaining \(r.remainingFraction)")
        // Remaining = gates whose deterministic value is above 0: sigmoid(S)·1.2 − 0.1 > 0.
        let open = (0..<s.maskedCount).filter { 1 / (1 + exp(-Double(s.scores!.base[$0]))) * 1.2 - 0.1 > 0 }.count
        #expect(r.remainingMatrixWeights == open)
        #expect(result.logHistory.allSatisfy { $0.extra!["lambda"] == 20 })
        // Two evaluations give the same predictions: no noise at evaluation.
        let dev = Tiny.examples(16, seed: 4)
        #expect(try t.predict(dev).logits == t.predict(dev).logits)
    }
}

/// One short fine-pruning run per method on the real checkpoint and real SST-2 data.
@Suite("Pruning on the real checkpoint", .serialized)
struct RealCheckpointTests {
    static func sst2(_ split: String, _ n: Int) throws -> [Example] {
        let table = try TSVTable(path: DataPaths.glue("SST-2/\(split).tsv").path)
        return Array(try table.examples(textColumn: "sentence", pairColumn: nil, labelColumn: "label",
                                        kind: .classification(labels: ["0", "1"])).prefix(n))
    }

    @Test("four steps of fine-pruning MiniLM on SST-2 stay finite and reach the scheduled sparsity",
          arguments: ["magnitude", "movement", "soft_movement", "l0"])
    func realRun(_ name: String) throws {
        Compute.configure(threads: 2)
        let dir = try TestModel.minilmDirectory()
        let variant: HeadVariant = name == "movement" || name == "l0" ? .bermo : .bert
        let model = try BertModel.load(directory: dir, numLabels: 2, mix: variant == .bermo ? MixConfig() : nil, seed: 3)
        var config = FineTuneConfig()
        config.perDeviceTrainBatchSize = 8; config.maxSteps = 4; config.warmupSteps = 1; config.learningRate = 3e-5
        config.freeze = [.embeddings]; config.maxSeqLength = 64
        let tuner = try FineTuner(model: model, tokenizer: try Tokenizer(modelDirectory: dir), config: config,
                                  kind: .classification(labels: ["0", "1"]))
        let method: any PruningMethod = switch name {
        case "magnitude": MagnitudePruning()
        case "movement": MovementPruning()
        case "soft_movement": SoftMovementPruning()
        default: L0Pruning()
        }
        let s = try PruningSchedule(method: method, model: model, fineTune: config, trainCount: 16,
                                    finalThreshold: name == "l0" ? 1 : 0.1, initialWarmup: 1, finalWarmup: 1,
                                    finalLambda: name == "soft_movement" ? 10 : (name == "l0" ? 1 : 0))
        tuner.hook = s
        var losses: [Float] = []
        let result = try tuner.train(try Self.sst2("train", 16), dev: try Self.sst2("dev", 8)) {
            if case .step(_, _, let loss) = $0 { losses.append(loss) }
        }
        #expect(result.status == .completed && result.steps == 4)
        #expect(losses.count == 4 && losses.allSatisfy { $0.isFinite }, "\(losses)")
        let entry = try #require(result.logHistory.last)
        #expect(entry.eval?["accuracy"] != nil)
        let remaining = try #require(entry.extra?["remaining_weights"])
        if name == "magnitude" || name == "movement" {
            #expect(abs(remaining - 0.1) < 1e-3, "remaining \(remaining)")
            #expect(entry.extra?["threshold"] == 0.1)
        } else {
            #expect(remaining > 0 && remaining <= 1)
        }
        #expect(s.scores.map { $0.array.allSatisfy { $0.isFinite } } ?? true)
        #expect(model.parameters.array.allSatisfy { $0.isFinite })
    }
}
