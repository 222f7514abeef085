/// One entry of `trainer_state.json`'s `log_history`, as transformers' Trainer writes it, plus
/// the BERMo mix when the head has one.
public struct LogEntry: Codable, Sendable, Equatable {
    public var step: Int
    public var epoch: Double
    public var examplesSeen: Int
    /// The training loss of this entry's step.
    public var loss: Float?
    /// The mean training loss over the steps since the previous entry (or since this process started, after a
    /// resume): what transformers logs as `loss`.
    public var meanLoss: Double?
    public var learningRate: Float?
    public var gradNorm: Float?
    /// Dev metrics at this step (e.g. `accuracy`, or `pearson` and `spearman`).
    public var eval: [String: Double]?
    /// The primary eval set's mean loss per example (cross-entropy, or squared error for regression) and how long
    /// evaluating it took: transformers' `eval_loss` and `eval_runtime`.
    public var evalLoss: Double?
    public var evalSeconds: Double?
    /// Every eval set's metrics by set name, when the run has more than one (`eval` is the first set's).
    public var evals: [String: [String: Double]]?
    /// softmax(w) of the BERMo mix, one per mixed layer, and gamma.
    public var mixWeights: [Float]?
    public var mixGamma: Float?
    /// Fields a `TrainingHook` adds (e.g. `remaining_weights`, `threshold`).
    public var extra: [String: Double]?
    /// Whether the primary eval set's predictions were at the majority level here (a single class, or no
    /// better than the majority class): a resumed run rebuilds its collapse count from these.
    public var collapsed: Bool?
}

/// How a run ended.
public enum RunStatus: String, Codable, Sendable { case completed, diverged }

/// What the observer of a training run hears, in order.
public enum TrainingEvent: Sendable {
    case step(step: Int, total: Int, loss: Float)
    case evaluation(LogEntry)
    case diverged(step: Int, reason: String)
}

/// The outcome of `FineTuner.train`.
public struct TrainingResult: Codable, Sendable {
    public var status: RunStatus
    public var divergedAtStep: Int?
    public var divergenceReason: String?
    public var steps: Int
    public var finalEval: [String: Double]
    public var logHistory: [LogEntry]
    public var trainSeconds: Double
    public var examplesPerSecond: Double
    /// Steps this call ran (fewer than `steps` after a resume) and their mean training loss (nil when none ran):
    /// transformers' `train_loss`, which also covers only the steps of the current `train()` call.
    public var stepsRun: Int
    public var meanLoss: Double?
}
