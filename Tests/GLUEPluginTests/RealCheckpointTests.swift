import BermoTestSupport
import BermoRuntime
import Foundation
import GLUEPlugin
import Testing

/// One tiny run on the real MiniLM-L6 checkpoint and real RTE pairs: 16 training rows, 2 steps, 16 dev rows.
@Suite("GLUE on the real checkpoint")
struct RealCheckpointTests {
    @Test("RTE, BERMo head: curve, metrics and mix are recorded and in range")
    func rte() throws {
        Compute.configure(threads: 2)
        var h = FineTuneConfig()
        h.maxTrainSamples = 16; h.maxEvalSamples = 16; h.perDeviceTrainBatchSize = 8; h.maxSteps = 2; h.evalSteps = 1
        h.maxSeqLength = 128; h.seed = 7
        let task = GLUETaskID.rte.task
        let data = try #require(try GLUERunner.prepare(task, dataDirectory: DataPaths.root, training: h).dataset)
        let (model, tokenizer) = try GLUERunner.loadModel(directory: try TestModel.minilmDirectory(), task: task, head: .bermo, seed: h.seed)
        let r = try GLUERunner.run(data, model: model, tokenizer: tokenizer, training: h)
        #expect(r.status == .completed && r.steps == 2 && r.head == .bermo)
        #expect(r.curve.map(\.step) == [1, 2] && r.curve.map(\.examplesSeen) == [8, 16])
        #expect(r.trainExamples == 16 && r.evalExamples == ["dev": 16])
        for p in r.curve {
            let m = try #require(p.metrics["dev"])
            #expect(m.keys.sorted() == ["accuracy", "score"])
            #expect((0...1).contains(m["accuracy"]!) && m["score"] == m["accuracy"] && p.score == m["score"])
            #expect(p.trainLoss.map { $0.isFinite && $0 > 0 } == true)
            #expect(p.mixWeights?.count == 7 && abs((p.mixWeights ?? []).reduce(0, +) - 1) < 1e-4)
        }
        #expect(r.finalMetrics["dev"] == r.curve.last?.metrics["dev"])
        #expect(r.trainExamplesPerSecond > 0)
    }
}
