import BermoHarness
import BermoRuntime
import Foundation

/// `glue.finetune`: fine-tune the variant's head (BERT or BERMo) on a GLUE task with run_glue's
/// hyper-parameters, evaluate on every dev set every `eval_steps`, and report GLUE's metrics, the dev
/// curve and convergence figures. A task whose data is absent is *skipped* with the reason (not a failure).
///
/// ```yaml
/// - task: sst2
///   plugin: glue.finetune
///   glue_task: sst2              # default: the task id
///   max_train_samples: 4000      # run_glue vocabulary for everything else
///   num_train_epochs: 2
///   eval_steps: 25
///   convergence_target: 0.85     # optional fixed dev score for `steps_to_target`
///   dev_split: {eval_fraction: 0.2, seed: 0, when: when_train_missing}   # e.g. QNLI here (no train file)
/// ```
public struct GLUEFinetunePlugin: TaskPlugin {
    public init() {}
    public var id: String { "glue.finetune" }
    public var version: String { "1" }
    public var summary: String { "GLUE fine-tuning (all nine tasks), official metrics, dev curves and convergence" }

    public func prepare(_ p: TaskParameters, context: PrepareContext) throws -> any PreparedTask {
        try Self.decode(p, context: context)
    }

    /// Decodes a GLUE task's parameters; `extraKeys` are read by a derived plugin (e.g. `glue.prune`).
    public static func decode(_ p: TaskParameters, context: PrepareContext, extraKeys: [String] = []) throws -> GLUEJob {
        try p.rejectUnknown(allowed: ["glue_task", "dev_split", "convergence_target", "save_checkpoints"] + extraKeys
                            + GLUEHyperparameters.knownKeys.filter { $0 != "seed" })
        let name = try p.string("glue_task", default: p.taskID)
        guard let id = GLUETaskID(named: name) else {
            throw p.error("glue_task", "'\(name)' is not a GLUE task",
                          fix: "use one of \(GLUETaskID.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var h = GLUEHyperparameters()
        h.maxSeqLength = try p.int("max_seq_length", default: h.maxSeqLength, in: 2...512)
        h.perDeviceTrainBatchSize = try p.int("per_device_train_batch_size", default: h.perDeviceTrainBatchSize, in: 1...4096)
        h.perDeviceEvalBatchSize = try p.int("per_device_eval_batch_size", default: h.perDeviceEvalBatchSize, in: 1...4096)
        h.learningRate = Float(try p.double("learning_rate", default: Double(h.learningRate), in: 0...1))
        h.mixLearningRate = Float(try p.double("mix_learning_rate", default: Double(h.mixLearningRate), in: 0...10))
        h.numTrainEpochs = try p.double("num_train_epochs", default: h.numTrainEpochs, in: 0.0001...10_000)
        h.maxSteps = try p.optional("max_steps", as: Int.self)
        h.warmupRatio = try p.double("warmup_ratio", default: h.warmupRatio, in: 0...1)
        h.warmupSteps = try p.optional("warmup_steps", as: Int.self)
        h.weightDecay = Float(try p.double("weight_decay", default: Double(h.weightDecay), in: 0...1))
        h.maxGradNorm = Float(try p.double("max_grad_norm", default: Double(h.maxGradNorm), in: 0...1e6))
        let schedule = try p.choice("lr_scheduler_type", from: LearningRateSchedule.allCases.map(\.rawValue), default: h.lrSchedulerType.rawValue)
        h.lrSchedulerType = LearningRateSchedule(rawValue: schedule)!
        h.maxTrainSamples = try p.optional("max_train_samples", as: Int.self)
        h.maxEvalSamples = try p.optional("max_eval_samples", as: Int.self)
        h.evalSteps = try p.optional("eval_steps", as: Int.self)
        h.evalOnStart = try p.bool("eval_on_start", default: h.evalOnStart)
        h.collapsePatience = try p.optional("collapse_patience", as: Int.self)
        h.hiddenDropoutProb = try p.optional("hidden_dropout_prob", as: Double.self).map(Float.init)
        h.attentionProbsDropoutProb = try p.optional("attention_probs_dropout_prob", as: Double.self).map(Float.init)
        do { try h.validate() } catch let e as RuntimeError {
            let field = e.message.split(separator: " ").first.map(String.init)
            throw p.error(field.flatMap { p.keys.contains($0) ? $0 : nil }, e.message)
        }
        var devSplit: GLUEDevSplit?
        if let split = try p.nested("dev_split") {
            try split.rejectUnknown(allowed: ["eval_fraction", "seed", "when"])
            devSplit = GLUEDevSplit(evalFraction: try split.double("eval_fraction", default: 0.5, in: 0.0001...0.9999),
                                    seed: UInt64(try split.int("seed", default: 0, in: 0...Int.max)),
                                    when: GLUEDevSplit.When(rawValue: try split.choice("when", from: ["when_train_missing", "always"], default: "when_train_missing"))!)
        }
        let target = try p.optional("convergence_target", as: Double.self)
        let task = id.task
        // Only files that exist are declared: an absent task is skipped at run time, not a failed suite.
        let directory = GLUEDataDirectory(context.dataDirectory)
        let files = ([task.trainFile] + task.evalFiles.map(\.fileName)).map { directory.file(task, $0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
            .map { DataFile($0, fetchHint: "bermo data fetch glue --tasks \(id.rawValue)") }
        return GLUEJob(task: task, hyperparameters: h, devSplit: devSplit, target: target,
                       dataDirectory: context.dataDirectory, files: files,
                       saveCheckpoints: try p.bool("save_checkpoints", default: false))
    }
}

/// One decoded GLUE task, ready to run for any (variant, seed).
public struct GLUEJob: PreparedTask {
        public let task: GLUETask
        public let hyperparameters: GLUEHyperparameters
        public let devSplit: GLUEDevSplit?
        public let target: Double?
        public let dataDirectory: URL
        let files: [DataFile]
        /// Save a resumable state at every evaluation into the job's artifacts (`checkpoint/`) and resume
        /// from it when an interrupted job is run again; removed when the job ends. Not part of the job's
        /// configuration (it does not change what is computed), so turning it on reuses finished jobs.
        public var saveCheckpoints = false

        public var dataFiles: [DataFile] { files }

        public var configuration: JSONValue {
            var c: [String: JSONValue] = ["glue_task": .string(task.id.rawValue)]
            if let h = try? JSONValue.encodingGLUE(hyperparameters), case .object(let o) = h { c.merge(o) { a, _ in a } }
            c["seed"] = nil
            if let devSplit, let d = try? JSONValue.encodingGLUE(devSplit) { c["dev_split"] = d }
            c["convergence_target"] = target.map { .double($0) } ?? .null
            return .object(c)
        }

        /// Names of the reported metrics: GLUE's metrics of each eval set (prefixed by the set's name when a
        /// task has several, as MNLI), the task score, and the convergence figures.
        public var metrics: [MetricDeclaration] {
            let sets = task.evalFiles.map(\.name)
            var names: [String] = []
            for s in sets { for m in task.metrics { names.append(sets.count > 1 ? "\(s)_\(m.rawValue)" : m.rawValue) } }
            names += ["score", "best_score", "curve_area"]
            var out = names.map { MetricDeclaration($0, higherIsBetter: true) }
            if target != nil { out.append(MetricDeclaration("steps_to_target", higherIsBetter: false)) }
            return out
        }

        public func run(_ job: JobContext) throws -> JobOutcome { try run(job, freeze: [], hook: nil) }

        /// The training-set size and hyper-parameters a job would use (`--limit` applied), without running it.
        public func effectiveHyperparameters(limit: Int?) -> GLUEHyperparameters {
            var h = hyperparameters
            if let limit {
                h.maxTrainSamples = min(h.maxTrainSamples ?? limit, limit)
                h.maxEvalSamples = min(h.maxEvalSamples ?? limit, limit)
            }
            return h
        }

        /// Runs the job; `freeze` and `hook` let a derived plugin change how it trains, and `decorate` add
        /// its own metrics and series from the result.
        public func run(_ job: JobContext, freeze: [ParameterLayout.Group],
                        hook: ((BertModel, FineTuneConfig, Int) throws -> TrainingHook)?,
                        decorate: (GLUERunResult, inout [String: Double], inout [Series]) -> Void = { _, _, _ in }) throws -> JobOutcome {
            var h = effectiveHyperparameters(limit: job.limit)
            h.seed = job.seed64
            let availability = try GLUERunner.prepare(task, dataDirectory: dataDirectory, hyperparameters: h, devSplit: devSplit)
            guard case .ready(let dataset) = availability else {
                return .skipped(availability.skip?.reason ?? "\(task.displayName): data not available")
            }
            let loaded = try job.loadModel(numLabels: task.kind.numLabels)
            let total = h.maxSteps ?? h.fineTuneConfig().totalSteps(trainCount: min(dataset.train.examples.count, h.maxTrainSamples ?? .max))
            let checkpoint = try saveCheckpoints
                ? Checkpointing(directory: job.artifactsDirectory.appendingPathComponent("checkpoint"), sourceDirectory: job.model.directory())
                : nil
            let result = try GLUERunner.run(dataset, model: loaded.model, tokenizer: loaded.tokenizer, hyperparameters: h,
                                            freeze: freeze, hook: hook.map { make in { try make(loaded.model, $0, $1) } },
                                            checkpoint: checkpoint, logSamples: job.logSamples) { event in
                if case .resumed(let step) = event { job.log("resumed from its checkpoint at step \(step)") }
                if case .step(let step, _, _) = event { job.progress(Double(step) / Double(max(total, 1)), "step \(step)/\(total)") }
                if case .evaluation(let point) = event { job.log(String(format: "step %d: score %.4f", point.step, point.score)) }
            }
            let curve = result.scoreCurve
            var series = [Series(name: "dev score", xLabel: "step", yLabel: "\(task.displayName) dev score",
                                 points: curve.map { Series.Point(x: Double($0.step), y: $0.score) }, variant: job.variant.name)]
            var summary = result
            summary.samples = nil   // samples go to their own JSONL file, not into the job record
            let details = try JSONValue.encodingGLUE(summary)
            if result.status == .diverged {
                // No task metrics for a diverged run (they would enter the means), but a derived plugin may
                // still record what it knows at that point (pruning: the remaining weights).
                var known: [String: Double] = [:]
                decorate(result, &known, &series)
                return .diverged(step: result.divergedAtStep ?? result.steps, reason: result.divergenceReason ?? "diverged",
                                 metrics: known, series: series, details: details)
            }
            var metrics: [String: Double] = [:]
            let sets = task.evalFiles.map(\.name)
            for (set, values) in result.finalMetrics {
                for (name, value) in values where name != GLUEMetrics.scoreKey {
                    metrics[sets.count > 1 ? "\(set)_\(name)" : name] = value
                }
            }
            metrics["score"] = result.finalScore ?? 0
            metrics["best_score"] = result.bestScore ?? 0
            metrics["curve_area"] = Convergence.normalizedArea(curve) ?? 0
            if let target {
                // Steps to the fixed target; a run that never reaches it counts its planned length plus one
                // evaluation interval (a lower bound, so the mean over seeds stays honest about misses).
                metrics["steps_to_target"] = Double(Convergence.firstReaching(curve, target: target)?.step
                                                    ?? (result.plannedSteps + (h.evalSteps ?? result.plannedSteps)))
            }
            decorate(result, &metrics, &series)
            var mix: MixSnapshot?
            if let last = result.curve.last, let w = last.mixWeights, let g = last.mixGamma {
                mix = MixSnapshot(weights: w.map(Double.init), gamma: Double(g), layers: loaded.model.mixLayers)
            }
            let samples = try (result.samples ?? []).map { try JSONValue.encodingGLUE($0) }
            return .completed(metrics, series: series, mix: mix, details: details, samples: samples)
        }
}

extension JSONValue {
    static func encodingGLUE<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}
