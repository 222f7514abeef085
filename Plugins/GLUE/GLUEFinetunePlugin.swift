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
    public var version: Int { 2 }
    public var summary: String { "GLUE fine-tuning (all nine tasks), official metrics, dev curves and convergence" }
    public var reports: [any RunReport] { [ConvergenceReport()] }
    public var reportSections: [any ReportSectionProvider] { [ConvergenceReport()] }
    public var datasets: [any DatasetFetcher] { [GLUEFetcher()] }

    public func prepare(_ config: GLUETaskConfig, context: PrepareContext) throws -> any PreparedTask {
        try GLUEJob(config, context: context)
    }
}

/// One decoded GLUE task, ready to run for any (variant, seed).
public struct GLUEJob: PreparedTask {
        /// The decoded parameters, `glue_task` resolved.
        public let config: GLUETaskConfig
        public let dataDirectory: URL
        let files: [DataFile]

        /// Resolves the task (default: the task id) and declares the task's files that exist: an absent
        /// task is skipped at run time, not a failed suite.
        public init(_ config: GLUETaskConfig, context: PrepareContext) throws {
            var config = config
            if config.glueTask == nil {
                guard let id = GLUETaskID(named: context.taskID) else {
                    throw SettingError("glue_task", "task `\(context.taskID)` does not name a GLUE task, so `glue_task` is needed",
                                       fix: "add `glue_task:` with one of \(GLUETaskID.words.joined(separator: ", "))")
                }
                config.glueTask = id
            }
            self.config = config
            dataDirectory = context.dataDirectory
            let task = config.task, directory = GLUEDataDirectory(context.dataDirectory)
            files = ([task.trainFile] + task.evalFiles.map(\.fileName)).map { directory.file(task, $0) }
                .filter { FileManager.default.fileExists(atPath: $0.path) }
                .map { DataFile($0, fetch: "bermo data fetch glue --tasks \(task.id.rawValue)") }
        }

        public var task: GLUETask { config.task }
        public var settings: any Settings { config }
        public var dataFiles: [DataFile] { files }

        /// Names of the reported metrics: GLUE's metrics of each eval set (prefixed by the set's name when a
        /// task has several, as MNLI), the task score, and the convergence figures.
        public var metrics: [MetricDeclaration] {
            let sets = task.evalFiles.map(\.name)
            var names: [String] = []
            for s in sets { for m in task.metrics { names.append(sets.count > 1 ? "\(s)_\(m.rawValue)" : m.rawValue) } }
            names += ["score", "best_score", "curve_area"]
            var out = names.map { MetricDeclaration($0, higherIsBetter: true) }
            if config.convergenceTarget != nil { out.append(MetricDeclaration("steps_to_target", higherIsBetter: false)) }
            return out
        }

        public func run(_ job: JobContext) throws -> JobOutcome { try run(job, freeze: [], hook: nil) }

        /// The fine-tuning settings a job uses: `--limit` applied to the sample limits.
        public func training(limit: Int?) -> FineTuneConfig {
            var t = config.training
            if let limit {
                t.maxTrainSamples = min(t.maxTrainSamples ?? limit, limit)
                t.maxEvalSamples = min(t.maxEvalSamples ?? limit, limit)
            }
            return t
        }

        /// Runs the job; `freeze` and `hook` let a derived plugin change how it trains, and `decorate` add
        /// its own metrics and series from the result.
        public func run(_ job: JobContext, freeze: [ParameterLayout.Group],
                        hook: ((BertModel, FineTuneConfig, Int) throws -> TrainingHook)?,
                        decorate: (GLUERunResult, inout [String: Double], inout [Series]) -> Void = { _, _, _ in }) throws -> JobOutcome {
            var training = training(limit: job.limit)
            training.seed = job.seed64
            let availability = try GLUERunner.prepare(task, dataDirectory: dataDirectory, training: training, devSplit: config.devSplit)
            guard case .ready(let dataset) = availability else {
                return .skipped(availability.skip?.reason ?? "\(task.displayName): data not available")
            }
            let loaded = try job.loadModel(numLabels: task.kind.numLabels)
            let total = training.totalSteps(trainCount: training.trainLimited(dataset.train.examples).count)
            let checkpoint = try config.saveCheckpoints
                ? Checkpointing(directory: job.artifactsDirectory.appendingPathComponent("checkpoint"), sourceDirectory: job.model.directory())
                : nil
            let result = try GLUERunner.run(dataset, model: loaded.model, tokenizer: loaded.tokenizer, training: training,
                                            evalOnStart: config.evalOnStart, freeze: freeze, hook: hook.map { make in { try make(loaded.model, $0, $1) } },
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
            let details = try JSONValue(encoding: summary)
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
            if let target = config.convergenceTarget {
                // Steps to the fixed target; a run that never reaches it counts its planned length plus one
                // evaluation interval (a lower bound, so the mean over seeds stays honest about misses).
                metrics["steps_to_target"] = Double(Convergence.firstReaching(curve, target: target)?.step
                                                    ?? (result.plannedSteps + (training.evalSteps ?? result.plannedSteps)))
            }
            decorate(result, &metrics, &series)
            var mix: MixSnapshot?
            if let last = result.curve.last, let w = last.mixWeights, let g = last.mixGamma {
                mix = MixSnapshot(weights: w.map(Double.init), gamma: Double(g), layers: loaded.model.mixLayers)
            }
            let samples = try (result.samples ?? []).map { try JSONValue(encoding: $0) }
            return .completed(metrics, series: series, mix: mix, details: details, samples: samples)
        }
}
