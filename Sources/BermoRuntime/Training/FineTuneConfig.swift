/// Fine-tuning hyper-parameters, named after Hugging Face's `TrainingArguments` / `run_glue.py`.
public struct FineTuneConfig: Codable, Sendable, Equatable {
    public var maxSeqLength = 128
    public var perDeviceTrainBatchSize = 32
    public var perDeviceEvalBatchSize = 64
    public var learningRate: Float = 2e-5
    /// Learning rate of the BERMo mix logits and gamma. The mix is 8 scalars that must move far from
    /// their uniform start within a few hundred steps, so it trains 50x faster than the encoder by default.
    public var mixLearningRate: Float = 1e-3
    public var numTrainEpochs: Double = 3
    /// Overrides `numTrainEpochs` when set.
    public var maxSteps: Int? = nil
    public var warmupRatio: Double = 0
    /// Overrides `warmupRatio` when set.
    public var warmupSteps: Int? = nil
    public var weightDecay: Float = 0
    public var maxGradNorm: Float = 1
    public var schedule: LearningRateSchedule = .linear
    public var seed: UInt64 = 42
    /// Evaluate on dev every this many steps (and always at the end); nil = only at the end.
    public var evalSteps: Int? = nil
    /// Dropout overrides; nil = the checkpoint's config.json values.
    public var hiddenDropout: Float? = nil
    public var attentionDropout: Float? = nil
    /// Parameter groups that are not trained (e.g. `embeddings`, or `embeddings`+`encoder` for probing).
    public var freeze: [ParameterLayout.Group] = []
    /// Stop as `diverged` when the dev predictions fall back to the majority-class level, after having
    /// been above it, for this many evaluations in a row; nil = never. (A run that never leaves the
    /// majority level is not called diverged: its final score says so.)
    public var collapsePatience: Int? = nil

    public init() {}

    public func totalSteps(trainCount: Int) -> Int {
        if let maxSteps { return maxSteps }
        let perEpoch = (trainCount + perDeviceTrainBatchSize - 1) / perDeviceTrainBatchSize
        return Int((numTrainEpochs * Double(perEpoch)).rounded(.up))
    }

    public func warmup(total: Int) -> Int { warmupSteps ?? Int((warmupRatio * Double(total)).rounded(.up)) }

    /// Learning rates per group at the peak of the schedule; frozen groups get none.
    public func learningRates(variant: HeadVariant) -> [ParameterLayout.Group: Float] {
        var rates: [ParameterLayout.Group: Float] = [.embeddings: learningRate, .encoder: learningRate,
                                                      .pooler: learningRate, .classifier: learningRate,
                                                      .mix: mixLearningRate]
        for g in freeze { rates[g] = nil }
        return rates
    }
}
