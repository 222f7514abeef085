import BermoBench
import BermoHarness
import BermoRuntime
import Foundation
import GLUEPlugin

/// `glue.prune`: fine-prune the variant (BERT or BERMo head) on a GLUE task with one pruning method on the
/// cubic schedule (Sanh et al. 2020), embeddings frozen as in emmental. Reports the task metrics at the
/// final threshold, the remaining weights two ways, the (step, sparsity, metric) curve, and `diverged`
/// like `glue.finetune` (loss NaN/Inf, or dev collapsed to the majority class for `collapse_patience`
/// evaluations).
///
/// ```yaml
/// - task: sst2-movement-10
///   plugin: glue.prune
///   glue_task: sst2
///   pruning: {method: movement, final_threshold: 0.10, initial_warmup: 1, final_warmup: 2}
///   warmup_steps: 50          # the unit of both pruning phases (emmental ties them to the LR warm-up)
///   max_steps: 400
///   eval_steps: 50
/// ```
public struct GLUEPrunePlugin: TaskPlugin {
    /// A `glue.prune` task's parameters: everything `glue.finetune` takes, the `pruning:` block, and export.
    public struct Config: Settings {
        @InlineSettings public var glue = GLUETaskConfig()
        @SettingGroup("pruning", required: true, help: "The pruning method and its cubic schedule, e.g. {method: movement, final_threshold: 0.10}.")
        public var pruning = PruningSpec()
        @Setting("export_model", help: "Write the pruned model (zeros where masked, Hugging Face layout) into the job's artifacts.")
        public var exportModel = false
        public init() {}
    }

    public init() {}
    public var id: String { "glue.prune" }
    public var version: Int { 2 }
    public var summary: String { "GLUE fine-pruning (magnitude, movement, soft movement, L0) on a cubic schedule; sparsity curves" }
    public var reports: [any RunReport] { [PruningStabilityReport()] }
    public var reportSections: [any ReportSectionProvider] { [PruningStabilityReport()] }
    public var benchmarks: [any Benchmark] { [SparseBenchmark(), PruneBenchmark()] }

    public func prepare(_ config: Config, context: PrepareContext) throws -> any PreparedTask {
        var config = config
        config.pruning = try config.pruning.resolvingMethodDefaults()
        let glue = try GLUEJob(config.glue, context: context)
        config.glue = glue.config
        // The schedule must fit the run: check now when the data (hence the run length) is known.
        let training = glue.training(limit: nil)
        if case .ready(let data)? = try? GLUERunner.prepare(glue.task, dataDirectory: glue.dataDirectory, training: training, devSplit: glue.config.devSplit) {
            let total = training.totalSteps(trainCount: training.trainLimited(data.train.examples).count)
            let spec = config.pruning
            let schedule = CubicSchedule(initialThreshold: spec.initialThreshold ?? 1, finalThreshold: spec.finalThreshold,
                                         initialWarmup: spec.initialWarmup, finalWarmup: spec.finalWarmup,
                                         warmupSteps: training.warmup(total: total), totalSteps: total, finalLambda: spec.finalLambda)
            do { try schedule.validate() } catch var e as SettingError {
                // Name the key as written: a fine-tuning key at task level, a schedule key inside `pruning`.
                if let key = e.key, PruningSpec.declarations().contains(where: { $0.key == key }) { e.key = "pruning.\(key)" }
                throw e
            }
        }
        return Prepared(glue: glue, config: config)
    }

    struct Prepared: PreparedTask {
        let glue: GLUEJob
        let config: Config

        var settings: any Settings { config }
        var dataFiles: [DataFile] { glue.dataFiles }
        var metrics: [MetricDeclaration] {
            glue.metrics + [MetricDeclaration("remaining_weights", higherIsBetter: false),
                            MetricDeclaration("remaining_encoder_weights", higherIsBetter: false)]
        }

        func run(_ job: JobContext) throws -> JobOutcome {
            let spec = config.pruning, task = glue.task, exportModel = config.exportModel
            var schedule: PruningSchedule?
            return try glue.run(job, freeze: [.embeddings], hook: { model, training, trainCount in
                let s = try spec.makeSchedule(model: model, fineTune: training, trainCount: trainCount)
                schedule = s
                return s
            }, decorate: { result, metrics, series in
                let final = result.curve.last?.extra ?? [:]
                metrics["remaining_weights"] = final["remaining_weights"] ?? 1
                metrics["remaining_encoder_weights"] = final["remaining_encoder_weights"] ?? 1
                series.append(Series(name: "dev score vs remaining weights", xLabel: "remaining weights in pruned matrices (%)",
                                     yLabel: "\(task.displayName) dev score",
                                     points: result.curve.compactMap { p in p.extra?["remaining_weights"].map { Series.Point(x: 100 * $0, y: p.score) } },
                                     variant: job.variant.name))
                if exportModel, let schedule, let source = try? job.model.directory() {
                    do {
                        try schedule.export(to: job.artifactsDirectory.appendingPathComponent("pruned-model"), sourceDirectory: source, kind: task.kind)
                    } catch { job.log("could not export the pruned model: \(ErrorText.describe(error))") }
                }
            })
        }
    }
}
