import BermoTestSupport
import BermoHarness
import BermoRuntime
import Foundation
@testable import PruningPlugin
import Testing

@Suite("Cubic sparsity schedule")
struct ScheduleTests {
    /// Values from emmental's `schedule_threshold` (run in Python) for T = 100, warmup 10, i = 1, f = 2.
    @Test("threshold and lambda at known steps match schedule_threshold")
    func knownSteps() throws {
        let s = CubicSchedule(initialThreshold: 1, finalThreshold: 0.1, initialWarmup: 1, finalWarmup: 2,
                              warmupSteps: 10, totalSteps: 100)
        try s.validate()
        let expected: [(Int, Double)] = [(0, 1), (10, 1), (11, 0.9619769679300293), (45, 0.21250000000000002),
                                         (79, 0.10000262390670554), (80, 0.1), (99, 0.1)]
        for (step, v) in expected { #expect(abs(s.threshold(at: step) - v) < 1e-12, "step \(step)") }
        #expect(s.lastInitialStep == 10 && s.firstFinalStep == 80 && s.cubicSteps == 70)
        // Monotone in between.
        for step in 11...80 { #expect(s.threshold(at: step) < s.threshold(at: step - 1)) }
        #expect(s.lambda(at: 45) == 0)

        // Soft movement: τ rises 0 → 0.1 and lambda_t = final_lambda·τ_t/final_threshold.
        let soft = CubicSchedule(initialThreshold: 0, finalThreshold: 0.1, warmupSteps: 10, totalSteps: 100, finalLambda: 400)
        #expect(abs(soft.threshold(at: 45) - 0.08750000000000001) < 1e-12)
        #expect(abs(soft.lambda(at: 45) - 350) < 1e-9)
        #expect(soft.lambda(at: 5) == 0 && abs(soft.lambda(at: 90) - 400) < 1e-9)
        // L0: thresholds 1 → 1, so lambda is constant.
        let l0 = CubicSchedule(initialThreshold: 1, finalThreshold: 1, finalWarmup: 1, warmupSteps: 10, totalSteps: 100, finalLambda: 125)
        #expect((0..<100).allSatisfy { l0.lambda(at: $0) == 125 })
    }

    @Test("an empty cubic phase is a validation error naming the numbers and what to change")
    func emptyCubicPhase() throws {
        for total in [30, 31] {
            let s = CubicSchedule(finalThreshold: 0.1, warmupSteps: 10, totalSteps: total)
            let error = try #require(throws: SettingError.self) { try s.validate() }
            #expect(error.key == "warmup_steps")
            #expect(error.message.contains("cubic pruning phase is empty"))
            #expect(error.message.contains("total_steps \(total)") && error.message.contains("warmup_steps 10"))
            #expect(error.message.contains("lower warmup_steps to at most 9") && error.message.contains("at least 32 steps"))
        }
        try CubicSchedule(finalThreshold: 0.1, warmupSteps: 10, totalSteps: 32).validate()
        // The final threshold must be reached within the run.
        let never = try #require(throws: SettingError.self) {
            try CubicSchedule(finalThreshold: 0.1, finalWarmup: 0, warmupSteps: 10, totalSteps: 100).validate()
        }
        #expect(never.key == "final_warmup" && never.message.contains("after the last step"))
        // A constant threshold needs no cubic phase.
        try CubicSchedule(initialThreshold: 1, finalThreshold: 1, warmupSteps: 50, totalSteps: 10).validate()
        #expect(throws: SettingError.self) { try CubicSchedule(finalThreshold: 0.1, warmupSteps: -1, totalSteps: 10).validate() }
        #expect(throws: SettingError.self) { try CubicSchedule(initialThreshold: 0, finalThreshold: 0, warmupSteps: 1, totalSteps: 10, finalLambda: 5).validate() }
    }

    @Test("methods reject thresholds they cannot read, and the schedule validates on construction")
    func methodValidation() throws {
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 1)
        let e = try #require(throws: SettingError.self) {
            try PruningSchedule(method: MovementPruning(), model: model,
                                schedule: CubicSchedule(initialThreshold: 1, finalThreshold: 10, warmupSteps: 1, totalSteps: 10))
        }
        #expect(e.key == "final_threshold" && e.message.contains("(0, 1]"))
        #expect(throws: SettingError.self) {
            try PruningSchedule(method: SoftMovementPruning(), model: model,
                                schedule: CubicSchedule(initialThreshold: 1, finalThreshold: 0.1, warmupSteps: 1, totalSteps: 10))
        }
        #expect(throws: SettingError.self) {
            try PruningSchedule(method: MagnitudePruning(), model: model,
                                schedule: CubicSchedule(finalThreshold: 0.1, warmupSteps: 10, totalSteps: 20))
        }
        // From fine-tuning settings: warm-up 10% of 40 steps = 4 → i·W = 4, f·W = 8, 28 cubic steps.
        var ft = FineTuneConfig(); ft.maxSteps = 40; ft.warmupRatio = 0.1; ft.freeze = [.embeddings]
        let s = try PruningSchedule(method: MovementPruning(), model: model, fineTune: ft, trainCount: 100, finalThreshold: 0.1)
        #expect(s.schedule.totalSteps == 40 && s.schedule.warmupSteps == 4 && s.schedule.cubicSteps == 28)
        #expect(s.options.trainableGroups.map(Set.init) == [.encoder, .pooler, .mix, .classifier])
        #expect(s.scoreLearningRate == 1e-2)
        let soft = try PruningSchedule(method: SoftMovementPruning(), model: model, fineTune: ft, trainCount: 100, finalThreshold: 0.1)
        #expect(soft.schedule.initialThreshold == 0)
        ft.maxSteps = 10; ft.warmupSteps = 4
        let short = try #require(throws: SettingError.self) {
            try PruningSchedule(method: MovementPruning(), model: model, fineTune: ft, trainCount: 100, finalThreshold: 0.1)
        }
        #expect(short.message.contains("total_steps 10"))
    }

    @Test("a spec decodes with defaults and builds the schedule; unknown methods are named in the error")
    func spec() throws {
        let json: JSONValue = ["method": "sigmoied_threshold", "final_threshold": 0.1, "final_lambda": 400, "mask_scores_learning_rate": 0.05]
        let spec = try PruningSpec.decode(from: JSONSettingsSource(json, origin: "test"))
        #expect(spec.method == .softMovement)
        #expect(spec.initialWarmup == 1 && spec.finalWarmup == 2 && spec.initialThreshold == nil && !spec.globalTopK)
        #expect(PruningSpec.declarations().map(\.key).contains("global_topk_frequency_compute"))
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 1)
        var ft = FineTuneConfig(); ft.maxSteps = 100; ft.warmupSteps = 10
        let s = try spec.makeSchedule(model: model, fineTune: ft, trainCount: 10)
        #expect(s.method.name == "soft_movement" && s.schedule.initialThreshold == 0 && s.schedule.finalLambda == 400)
        #expect(s.scoreLearningRate == 0.05)
        let l0 = try PruningMethods.named("l0")
        #expect(l0.initialScore == 2.197)
        let e = try #require(throws: SettingError.self) { try PruningMethods.named("random") }
        #expect(e.key == "method" && e.message.contains("magnitude, movement, soft_movement, l0"))
    }
}

@Suite("glue.prune reads its pruning block")
struct PrunePluginParameterTests {
    func prepare(_ pruning: String, extra: String = "") throws -> JSONValue {
        let yaml = "glue_task: sst2\nmax_steps: 200\nwarmup_steps: 20\n\(extra)pruning: \(pruning)\n"
        let node = try YAMLFile.parse(yaml, displayPath: "s.yaml")
        let params = TaskParameters(taskID: "sst2-prune", pluginID: "glue.prune", location: node.location, entries: node.entries ?? [])
        let context = PrepareContext(taskID: "sst2-prune", dataDirectory: DataPaths.root, suiteFile: "s.yaml")
        return try GLUEPrunePlugin().prepare(params, context: context).configuration
    }

    @Test("every key the validator accepts (emmental's names) reaches the spec")
    func everyAcceptedKeyIsRead() throws {
        let c = try prepare("{method: soft_movement, final_threshold: 0.1, initial_threshold: 0.05, initial_warmup: 2, final_warmup: 3, final_lambda: 40, mask_scores_learning_rate: 0.1, mask_scale: 0.5, global_topk: true, global_topk_frequency_compute: 7, evaluation_threshold: final}")
        guard case .object(let o) = c, case .object(let p)? = o["pruning"] else { Issue.record("no pruning block in \(c)"); return }
        let spec = try PruningSpec.decode(from: JSONSettingsSource(.object(p), origin: "test"))
        #expect(spec.method == .softMovement && spec.finalThreshold == 0.1 && spec.initialThreshold == 0.05)
        #expect(spec.initialWarmup == 2 && spec.finalWarmup == 3 && spec.finalLambda == 40)
        #expect(spec.scoreLearningRate == 0.1 && spec.initialScore == 0.5)
        #expect(spec.globalTopK && spec.globalTopKInterval == 7 && spec.evaluationThreshold == .final)
        // The configuration records every declared key of the block.
        #expect(Set(p.keys) == Set(PruningSpec.declarations().map(\.key)))
    }

    @Test("save_checkpoints is accepted and leaves the configuration (hence the job id) unchanged")
    func saveCheckpointsIsNotConfiguration() throws {
        let block = "{method: movement, final_threshold: 0.1}"
        #expect(try prepare(block, extra: "save_checkpoints: true\n") == prepare(block))
    }

    @Test("an unknown key in the block is a located error with the known keys")
    func unknownKey() throws {
        let e = try #require(throws: SuiteError.self) { try prepare("{method: l0, final_threshold: 0.1, final_lambda: 5, score_learning_rate: 0.1}") }
        #expect(e.description.contains("score_learning_rate") && e.description.contains("s.yaml:4"))
    }
}
