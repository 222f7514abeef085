import BermoRuntime
import BermoTestSupport
import Foundation
import GLUEPlugin
@testable import PruningPlugin
import Testing

/// A suite job interrupted mid-run resumes from its checkpoint: GLUE runner + pruning hook, as glue.prune
/// runs them with `save_checkpoints: true`.
@Suite("Interrupted fine-pruning job resumes from its checkpoint")
struct SuiteResumeTests {
    @Test("a job resumed from the step-8 checkpoint ends with the uninterrupted job's curve, weights and sparsity")
    func resumesMidJob() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let source = tmp.url.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try Tiny.config(directory: source)
        let task = GLUETaskID.sst2.task
        let data = GLUEDataset(task: task, train: GLUESplit(name: "train", source: "memory", examples: Tiny.examples(64, seed: 3), skippedRows: []),
                               evalSets: [GLUESplit(name: "dev", source: "memory", examples: Tiny.examples(12, seed: 4), skippedRows: [])])
        var h = FineTuneConfig()
        h.perDeviceTrainBatchSize = 8; h.maxSteps = 20; h.warmupSteps = 2; h.evalSteps = 4; h.learningRate = 5e-3
        h.seed = 3; h.maxSeqLength = 16
        func run(checkpoint: URL, onEvaluation: (Int) throws -> Void = { _ in }) throws -> (GLUERunResult, BertModel, PruningSchedule?, [Int]) {
            let model = try BertModel(config: .tiny, numLabels: 2, seed: 6)
            var schedule: PruningSchedule?
            var resumedAt: [Int] = []
            var failure: Error?
            let r = try GLUERunner.run(data, model: model, tokenizer: try Tiny.tokenizer(), training: h, evalOnStart: true, freeze: [.embeddings],
                                       hook: { config, count in
                                           let s = try PruningSchedule(method: MovementPruning(), model: model, fineTune: config,
                                                                       trainCount: count, finalThreshold: 0.2)
                                           schedule = s
                                           return s
                                       },
                                       checkpoint: Checkpointing(directory: checkpoint, sourceDirectory: source)) { event in
                switch event {
                case .resumed(let step): resumedAt.append(step)
                case .evaluation(let p): do { try onEvaluation(p.step) } catch { failure = error }
                default: break
                }
            }
            if let failure { throw failure }
            return (r, model, schedule, resumedAt)
        }
        // Uninterrupted, keeping a copy of the checkpoint as it stands when step 12 is evaluated (step 8's state).
        let first = tmp.url.appendingPathComponent("first"), saved = tmp.url.appendingPathComponent("saved")
        let (full, fullModel, fullSchedule, none) = try run(checkpoint: first) { step in
            if step == 12 { try FileManager.default.copyItem(at: first, to: saved) }
        }
        #expect(none.isEmpty && full.steps == 20 && full.curve.map(\.step) == [0, 4, 8, 12, 16, 20])
        #expect(!FileManager.default.fileExists(atPath: first.path))   // removed once the job ended
        #expect(FileManager.default.fileExists(atPath: saved.appendingPathComponent("pruning.safetensors").path))
        #expect(FileManager.default.fileExists(atPath: saved.appendingPathComponent("glue_curve.json").path))

        // "Killed" after step 8's checkpoint: a new process finds it and continues.
        let second = tmp.url.appendingPathComponent("second")
        try FileManager.default.copyItem(at: saved, to: second)
        let (resumed, resumedModel, resumedSchedule, at) = try run(checkpoint: second)
        #expect(at == [8])
        #expect(resumed.curve.map(\.step) == full.curve.map(\.step))
        for (a, b) in zip(full.curve, resumed.curve) {
            #expect(abs(a.score - b.score) < 1e-9)
            #expect(a.extra == b.extra)
            #expect(a.trainLoss.map { x in abs(x - (b.trainLoss ?? .nan)) < 1e-4 * max(1, abs(x)) } ?? (b.trainLoss == nil))
        }
        let pa = fullModel.parameters.array, pb = resumedModel.parameters.array
        #expect(zip(pa, pb).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) })
        #expect(fullSchedule?.report() == resumedSchedule?.report())

        // A corrupt saved curve is an error naming the file (not a raw decoding dump, nor a curve ahead of the
        // trainer state that would pass for a finished one).
        let curveFile = saved.appendingPathComponent("glue_curve.json")
        var curve = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: curveFile)) as? [String: Any])
        var points = try #require(curve["points"] as? [[String: Any]])
        points[points.count - 1]["step"] = 99
        curve["points"] = points
        for (label, data) in [("ahead of the state", try JSONSerialization.data(withJSONObject: curve)), ("not JSON", Data("{".utf8))] {
            let third = tmp.url.appendingPathComponent("third")
            try? FileManager.default.removeItem(at: third)
            try FileManager.default.copyItem(at: saved, to: third)
            try data.write(to: third.appendingPathComponent("glue_curve.json"))
            let error = #expect(throws: RuntimeError.self, "\(label)") { try run(checkpoint: third) }
            #expect(error?.message.hasPrefix(third.appendingPathComponent("glue_curve.json").path) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("start this job over") == true, "\(error?.message ?? "")")
        }
    }

    @Test("a save interrupted between its two renames resumes from the previous state")
    func interruptedSave() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let dir = tmp.url.appendingPathComponent("checkpoint"), old = tmp.url.appendingPathComponent("checkpoint.old")
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: old.appendingPathComponent("trainer_state.json"))
        #expect(TrainerCheckpoint.latest(in: dir)?.lastPathComponent == "checkpoint.old")
        TrainerCheckpoint.remove(dir)
        #expect(!TrainerCheckpoint.exists(in: dir) && !FileManager.default.fileExists(atPath: old.path))
    }
}
