import BermoTestSupport
import BermoRuntime
import Foundation
import GLUEPlugin
import Testing

@Suite("GLUE runner on a tiny random model")
struct RunnerTests {
    static func dataset(_ id: GLUETaskID, train: Int, eval: Int) -> GLUEDataset {
        let task = id.task
        let sets = task.evalFiles.enumerated().map { i, f in
            GLUESplit(name: f.name, source: "memory", examples: TinyModel.examples(task, eval, offset: 100 * (i + 1)), skippedRows: [])
        }
        return GLUEDataset(task: task, train: GLUESplit(name: "train", source: "memory", examples: TinyModel.examples(task, train), skippedRows: []),
                           evalSets: sets, devSplit: nil, notes: [])
    }

    static func hyper(steps: Int) -> FineTuneConfig {
        var h = FineTuneConfig()
        h.perDeviceTrainBatchSize = 4; h.maxSteps = steps; h.evalSteps = 1; h.learningRate = 1e-3; h.seed = 3; h.maxSeqLength = 32
        return h
    }

    @Test("MNLI: every eval step records both dev sets, the score is their mean; BERMo logs its mix")
    func mnliCurve() throws {
        Compute.configure(threads: 2)
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let (model, tokenizer) = try TinyModel.make(GLUETaskID.mnli.task, head: .bermo, seed: 1, in: tmp)
        let h = Self.hyper(steps: 3)
        var heard = 0
        let r = try GLUERunner.run(Self.dataset(.mnli, train: 12, eval: 6), model: model, tokenizer: tokenizer, training: h, evalOnStart: true,
                                   progress: { if case .evaluation = $0 { heard += 1 } })
        #expect(r.status == .completed && r.steps == 3 && r.plannedSteps == 3)
        #expect(r.curve.map(\.step) == [0, 1, 2, 3] && heard == 4)
        #expect(r.curve.map(\.examplesSeen) == [0, 4, 8, 12])
        #expect(r.curve[0].trainLoss == nil && r.curve.dropFirst().allSatisfy { $0.trainLoss?.isFinite == true })
        for p in r.curve {
            #expect(Set(p.metrics.keys) == ["dev_matched", "dev_mismatched"])
            let m = p.metrics["dev_matched"]!["score"]!, mm = p.metrics["dev_mismatched"]!["score"]!
            #expect(abs(p.score - (m + mm) / 2) < 1e-12)
            #expect(p.mixWeights?.count == 3 && p.mixGamma != nil)
        }
        #expect(r.evalExamples == ["dev_matched": 6, "dev_mismatched": 6] && r.trainExamples == 12)
        #expect(r.majorityBaseline["dev_matched"]?["accuracy"] != nil)
        #expect(r.scoreCurve.count == 4 && r.bestScore == r.curve.map(\.score).max())
        // The result is plain JSON for the harness's cache.
        let json = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(GLUERunResult.self, from: json).curve == r.curve)
    }

    @Test("a head stuck on one class from the start is not a divergence: it completes at the majority level")
    func collapse() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let task = GLUETaskID.rte.task
        let (model, tokenizer) = try TinyModel.make(task, head: .bert, seed: 2, in: tmp)
        // Zero classifier weights and a large bias for class 0; a frozen head keeps it there.
        let w = model.layout.classifierWeight!, b = model.layout.classifierBias!
        for i in 0..<(2 * model.config.hiddenSize) { model.parameters.base[w + i] = 0 }
        model.parameters.base[b] = 50; model.parameters.base[b + 1] = 0
        var h = Self.hyper(steps: 6); h.collapsePatience = 2; h.learningRate = 1e-9
        let r = try GLUERunner.run(Self.dataset(.rte, train: 8, eval: 6), model: model, tokenizer: tokenizer, training: h)
        #expect(r.status == .completed && r.steps == 6 && r.divergedAtStep == nil)
        let majority = try #require(r.majorityBaseline.values.first?[GLUEMetrics.scoreKey])
        #expect(try #require(r.bestScore) <= majority + 1e-9)
    }

    @Test("a NaN loss ends as diverged at step 1 instead of crashing")
    func nanLoss() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let task = GLUETaskID.stsb.task
        let (model, tokenizer) = try TinyModel.make(task, head: .bert, seed: 4, in: tmp)
        model.parameters.base[model.layout.classifierWeight!] = .nan
        let r = try GLUERunner.run(Self.dataset(.stsb, train: 8, eval: 4), model: model, tokenizer: tokenizer, training: Self.hyper(steps: 3))
        #expect(r.status == .diverged && r.divergedAtStep == 1 && r.curve.isEmpty && r.finalScore == nil)
    }

    @Test("fine-tuning settings: run_glue keys, defaults for absent ones, errors naming the field")
    func settings() throws {
        let json: JSONValue = ["learning_rate": 3e-5, "per_device_train_batch_size": 16, "eval_steps": 50, "warmup_ratio": 0.1,
                               "lr_scheduler_type": "constant"]
        let c = try FineTuneConfig.decode(from: JSONSettingsSource(json, origin: "test"))
        #expect(c.learningRate == 3e-5 && c.perDeviceTrainBatchSize == 16 && c.warmupRatio == 0.1 && c.schedule == .constant)
        #expect(c.evalSteps == 50 && c.maxSeqLength == 128 && c.seed == 42)
        let keys = FineTuneConfig.declarations().map(\.key)
        #expect(keys.contains("mix_learning_rate") && keys.contains("max_train_samples"))
        var bad = c; bad.learningRate = -1
        #expect((#expect(throws: SettingError.self) { try bad.validate() })?.key == "learning_rate")
        var bad2 = c; bad2.warmupRatio = 1.5
        #expect((#expect(throws: SettingError.self) { try bad2.validate() })?.key == "warmup_ratio")
        #expect(throws: RuntimeError.self) { try FineTuneConfig.decode(from: JSONSettingsSource(["warmup_ratio": 1], origin: "test")) }
    }
}
