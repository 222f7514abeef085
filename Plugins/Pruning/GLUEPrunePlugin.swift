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
    public init() {}
    public var id: String { "glue.prune" }
    public var version: String { "1" }
    public var summary: String { "GLUE fine-pruning (magnitude, movement, soft movement, L0) on a cubic schedule; sparsity curves" }

    public func prepare(_ p: TaskParameters, context: PrepareContext) throws -> any PreparedTask {
        let glue = try GLUEFinetunePlugin.decode(p, context: context, extraKeys: ["pruning", "export_model"])
        guard let block = try p.nested("pruning") else {
            throw p.error("pruning", "a glue.prune task needs a `pruning:` block",
                          fix: "e.g. pruning: {method: movement, final_threshold: 0.10}")
        }
        try block.rejectUnknown(allowed: PruningSpec.fieldNames)
        let spec = try PruningSpec(block: block)
        if ["soft_movement", "l0"].contains(spec.method) && spec.finalLambda == 0 {
            throw block.error("final_lambda", "\(spec.method) prunes through its penalty; with final_lambda 0 it never prunes",
                              fix: "set final_lambda (e.g. 100 for soft_movement, 5 for l0)")
        }
        // The schedule must fit the run: check now when the data (hence the run length) is known.
        let h = glue.effectiveHyperparameters(limit: nil)
        if case .ready(let data)? = try? GLUERunner.prepare(glue.task, dataDirectory: glue.dataDirectory, hyperparameters: h, devSplit: glue.devSplit) {
            let ft = h.fineTuneConfig()
            let count = min(data.train.examples.count, h.maxTrainSamples ?? .max)
            let total = ft.totalSteps(trainCount: count)
            let warmup = ft.warmup(total: total)
            let schedule = CubicSchedule(initialThreshold: spec.initialThreshold ?? 1, finalThreshold: spec.finalThreshold,
                                         initialWarmup: spec.initialWarmup, finalWarmup: spec.finalWarmup,
                                         warmupSteps: warmup, totalSteps: total, finalLambda: spec.finalLambda)
            do { try schedule.validate() } catch let e as PruningError {
                let key = ["warmup_steps", "warmup_ratio", "max_steps", "num_train_epochs"].first { p.contains($0) && e.field == $0 }
                throw (key.map { p.error($0, e.message) } ?? block.error(block.contains(e.field) ? e.field : nil, "\(e.field): \(e.message)"))
            }
        }
        return Prepared(glue: glue, spec: spec, exportModel: try p.bool("export_model", default: false))
    }

    struct Prepared: PreparedTask {
        let glue: GLUEJob
        let spec: PruningSpec
        /// Write the pruned model (zeros where masked, Hugging Face layout) into the job's artifacts.
        let exportModel: Bool

        var configuration: JSONValue {
            guard case .object(var c) = glue.configuration,
                  let s = try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(spec)) else { return glue.configuration }
            c["pruning"] = s
            c["export_model"] = .bool(exportModel)
            return .object(c)
        }
        var dataFiles: [DataFile] { glue.dataFiles }
        var metrics: [MetricDeclaration] {
            glue.metrics + [MetricDeclaration("remaining_weights", higherIsBetter: false),
                            MetricDeclaration("remaining_encoder_weights", higherIsBetter: false)]
        }

        func run(_ job: JobContext) throws -> JobOutcome {
            let spec = self.spec, task = glue.task
            var schedule: PruningSchedule?
            return try glue.run(job, freeze: [.embeddings], hook: { model, config, trainCount in
                let s = try spec.makeSchedule(model: model, fineTune: config, trainCount: trainCount)
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
                    } catch { job.log("could not export the pruned model: \(error)") }
                }
            })
        }
    }
}
