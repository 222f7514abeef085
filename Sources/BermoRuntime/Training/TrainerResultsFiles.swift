import Foundation

/// The files transformers' `run_glue.py` leaves in its output directory after training and evaluating, key for
/// key: `train_results.json`, `eval_results.json`, `all_results.json` (the two merged, as `save_metrics` merges
/// them) and `trainer_state.json` (`TrainerStateFile`), so tools written for Hugging Face runs read a
/// `bermo finetune` run unchanged. bermo's own outcome (status, divergence, its metric names) is kept under
/// `bermo` in `eval_results.json`, and so in `all_results.json`.
///
/// `run_glue.py` evaluates once more after training; bermo's last evaluation is at the last step, on the same
/// weights, so `eval_results.json` holds that evaluation (its metrics, loss and time) with the final epoch.
public enum TrainerResultsFiles {
    /// bermo's outcome of the run (`eval_results.json` before the file took transformers' layout).
    struct Outcome: Encodable {
        var status: RunStatus; var divergedAtStep: Int?; var divergenceReason: String?; var steps: Int
        var metrics: [String: Double]; var trainExamples: Int; var evalExamples: Int
        var trainSeconds: Double; var trainExamplesPerSecond: Double
    }

    /// Writes the four files into `directory`. `trainExamples`: the training examples used (after
    /// `max_train_samples`: run_glue.py's `train_samples`); `checkpoint`: the folder holding the final state, if any.
    public static func write(_ tuner: FineTuner, result: TrainingResult, trainExamples: Int,
                             checkpoint: TrainerStateFile.SavedCheckpoint?, to directory: URL) throws {
        let train = TrainerStateFile.trainSummary(tuner, result).merging(["train_samples": .int(trainExamples)]) { a, _ in a }
        var eval = tuner.history.last(where: { $0.eval != nil }).map { TrainerStateFile.evalLog($0, tuner) } ?? [:]
        eval["epoch"] = .double(TrainerStateFile.epoch(tuner))
        eval["eval_samples"] = .int(tuner.evalExamples)
        let outcome = Outcome(status: result.status, divergedAtStep: result.divergedAtStep, divergenceReason: result.divergenceReason,
                              steps: result.steps, metrics: result.finalEval, trainExamples: trainExamples, evalExamples: tuner.evalExamples,
                              trainSeconds: result.trainSeconds, trainExamplesPerSecond: result.examplesPerSecond)
        try TrainerStateFile.Document<Outcome>(fields: train).write(to: directory.appendingPathComponent("train_results.json"))
        try TrainerStateFile.Document(fields: eval, bermo: outcome).write(to: directory.appendingPathComponent("eval_results.json"))
        try TrainerStateFile.Document(fields: train.merging(eval) { _, evaluation in evaluation }, bermo: outcome)
            .write(to: directory.appendingPathComponent("all_results.json"))
        try TrainerStateFile.document(tuner, finished: result, checkpoint: checkpoint).write(to: directory.appendingPathComponent("trainer_state.json"))
    }
}
