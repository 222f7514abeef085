import Foundation

/// `trainer_state.json` in the layout of transformers' `TrainerState` (what `Trainer.save_state()` writes into the
/// output directory and every `checkpoint-N/` holds), so scripts and plotting tools written for Hugging Face runs
/// read bermo's unchanged; bermo's own state sits under `bermo`: the RNG, the settings and seed a resume must
/// match, and bermo's log (with the layer mix, the hook's fields and the collapse flags a resume rebuilds from).
///
/// One format for both places bermo writes the file, a checkpoint folder (`TrainerCheckpoint`) and the output
/// directory of `bermo finetune`, as transformers has one for both. The key names come from the reference files
/// in `Tests/Fixtures/hf-trainer-outputs` (`scripts/reference/hf_trainer_outputs.py`).
///
/// How bermo fills transformers' fields: bermo logs (training loss and evaluation) at every evaluation, and saves
/// its checkpoint there, so `logging_steps`, `eval_steps` and `save_steps` are all `eval_steps` (or the run's
/// length when it evaluates only at the end); `total_flos` is transformers' own estimate, 6 × the parameters
/// outside the embedding tables × the input tokens, over bermo's unpadded tokens (`num_input_tokens_seen`, which
/// transformers leaves at 0 unless asked to count); `best_metric` is the best `metricForBestModel` so far (first
/// of equals, as transformers keeps it) and `best_model_checkpoint` the checkpoint folder only while that folder
/// holds the best step (bermo keeps one, the latest), else null; trials and hyper-parameter search do not exist
/// in bermo (null, false).
public enum TrainerStateFile {
    /// The checkpoint folder and the step whose state it holds.
    public struct SavedCheckpoint: Sendable {
        public var step: Int
        public var path: String
        public init(step: Int, path: String) { self.step = step; self.path = path }
    }

    /// A file in transformers' layout: its fields as transformers names them, and bermo's own under `bermo`. bermo's
    /// part is encoded as itself (snake_case keys), not through `JSONValue`, which would round the RNG's 64-bit words
    /// above 2^63 to doubles.
    struct Document<Own: Encodable>: Encodable {
        var fields: [String: JSONValue]
        var bermo: Own?

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            for (name, value) in fields { try c.encode(value, forKey: Key(name)) }
            if let bermo { try c.encode(bermo, forKey: Key("bermo")) }
        }

        /// Pretty and key-sorted, as every bermo file, atomically; bermo's fields in snake_case (transformers' are already).
        func write(to url: URL) throws {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try AtomicFile.writeJSON(self, to: url, encoder: encoder)
        }
    }

    /// bermo's section (`bermo`): what resuming needs beyond transformers' fields, and what the head was.
    struct Section: Codable {
        var rng: SeededRandom
        var logHistory: [LogEntry]
        /// The fine-tuning settings and seed the run was started with: resuming with others is refused.
        var settings: JSONValue
        var seed: UInt64
        var head: String?
        var mixLayers: [Int]?
    }

    /// The file's contents for `tuner` as it stands; `finished` adds transformers' closing log entry (train
    /// runtime, speed, mean loss, FLOPs), as `Trainer.train()` does before `save_state()`.
    static func document(_ tuner: FineTuner, finished result: TrainingResult? = nil, checkpoint: SavedCheckpoint?) -> Document<Section> {
        let interval = tuner.config.evalSteps ?? tuner.totalSteps
        let best = bestEvaluation(tuner)
        let finishedStop = result != nil || tuner.step >= tuner.totalSteps
        var log = tuner.history.flatMap { [trainLog($0), .object(evalLog($0, tuner).merging(["step": .int($0.step)]) { a, _ in a })] }
        if let result { log.append(.object(trainSummary(tuner, result).merging(["step": .int(tuner.step)]) { a, _ in a })) }
        let section = Section(rng: tuner.rng, logHistory: tuner.history, settings: tuner.config.settingsJSON(), seed: tuner.config.seed,
                              head: tuner.model.variant.rawValue, mixLayers: tuner.model.mixLayers)
        let control: [String: JSONValue] = [
            "should_epoch_stop": false, "should_evaluate": false, "should_log": false,
            "should_save": .bool(checkpoint?.step == tuner.step), "should_training_stop": .bool(finishedStop),
        ]
        let fields: [String: JSONValue] = [
            "best_global_step": best.map { .int($0.step) } ?? .null,
            "best_metric": best.map { .double($0.value) } ?? .null,
            "best_model_checkpoint": checkpoint.flatMap { $0.step == best?.step ? .string($0.path) : nil } ?? .null,
            "epoch": .double(epoch(tuner)),
            "eval_steps": .int(interval),
            "global_step": .int(tuner.step),
            "is_hyper_param_search": false,
            "is_local_process_zero": true,
            "is_world_process_zero": true,
            "log_history": .array(log),
            "logging_steps": .int(interval),
            "max_steps": .int(tuner.totalSteps),
            "num_input_tokens_seen": .int(tuner.inputTokensSeen),
            "num_train_epochs": .int((tuner.totalSteps + tuner.stepsPerEpoch - 1) / max(tuner.stepsPerEpoch, 1)),
            "save_steps": .int(interval),
            "stateful_callbacks": ["TrainerControl": ["args": .object(control), "attributes": [:]]],
            "total_flos": .double(totalFlos(tuner)),
            "train_batch_size": .int(tuner.config.perDeviceTrainBatchSize),
            "trial_name": nil,
            "trial_params": nil,
        ]
        return Document(fields: fields, bermo: section)
    }

    /// Passes over the training set so far, as transformers counts them (fractional within an epoch).
    static func epoch(_ tuner: FineTuner) -> Double { Double(tuner.step) / Double(max(tuner.stepsPerEpoch, 1)) }

    /// transformers' FLOP estimate: 6 (forward and backward) × non-embedding parameters × input tokens.
    static func totalFlos(_ tuner: FineTuner) -> Double {
        6 * Double(tuner.model.layout.nonEmbeddingCount) * Double(tuner.inputTokensSeen)
    }

    /// The training half of an entry: transformers logs the mean loss since its previous log.
    static func trainLog(_ e: LogEntry) -> JSONValue {
        ["epoch": .double(e.epoch), "grad_norm": number(e.gradNorm), "learning_rate": number(e.learningRate),
         "loss": e.meanLoss.map(JSONValue.double) ?? number(e.loss), "step": .int(e.step)]
    }

    /// The evaluation half of an entry (without `step`): `eval_<metric>` for every metric of the primary set, its
    /// loss, and `Trainer.evaluate()`'s speed fields. Also the body of `eval_results.json`.
    static func evalLog(_ e: LogEntry, _ tuner: FineTuner) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["epoch": .double(e.epoch), "eval_loss": e.evalLoss.map(JSONValue.double) ?? .null]
        for (name, value) in e.eval ?? [:] { fields["eval_" + name] = .double(value) }
        let batches = (tuner.evalExamples + tuner.config.perDeviceEvalBatchSize - 1) / tuner.config.perDeviceEvalBatchSize
        return fields.merging(speed("eval", seconds: e.evalSeconds, samples: tuner.evalExamples, steps: batches)) { a, _ in a }
    }

    /// transformers' closing entry (without `step`): runtime and speed of this call's steps, their mean loss, the FLOPs.
    static func trainSummary(_ tuner: FineTuner, _ result: TrainingResult) -> [String: JSONValue] {
        let samples = result.stepsRun * tuner.config.perDeviceTrainBatchSize
        return speed("train", seconds: result.trainSeconds, samples: samples, steps: result.stepsRun).merging([
            "epoch": .double(epoch(tuner)), "total_flos": .double(totalFlos(tuner)),
            "train_loss": result.meanLoss.map(JSONValue.double) ?? .null,
        ]) { a, _ in a }
    }

    /// transformers' `speed_metrics`: the runtime rounded to 4 decimals, the rates to 3 (none for a zero runtime).
    static func speed(_ split: String, seconds: Double?, samples: Int, steps: Int) -> [String: JSONValue] {
        guard let seconds else { return ["\(split)_runtime": nil, "\(split)_samples_per_second": nil, "\(split)_steps_per_second": nil] }
        func rounded(_ x: Double, _ digits: Double) -> JSONValue { .double((x * digits).rounded() / digits) }
        guard seconds > 0 else { return ["\(split)_runtime": rounded(seconds, 1e4)] }
        return ["\(split)_runtime": rounded(seconds, 1e4), "\(split)_samples_per_second": rounded(Double(samples) / seconds, 1e3),
                "\(split)_steps_per_second": rounded(Double(steps) / seconds, 1e3)]
    }

    /// The first evaluation with the highest `metricForBestModel`.
    static func bestEvaluation(_ tuner: FineTuner) -> (step: Int, value: Double)? {
        var best: (step: Int, value: Double)?
        for e in tuner.history {
            guard let value = e.eval?[tuner.metricForBestModel], value.isFinite else { continue }
            if best.map({ value > $0.value }) ?? true { best = (e.step, value) }
        }
        return best
    }

    static func number(_ x: Float?) -> JSONValue { x.map { .double(Double($0)) } ?? .null }

}
