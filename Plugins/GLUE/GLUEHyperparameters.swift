import BermoRuntime
import Foundation

/// A GLUE job's hyper-parameters in `run_glue.py` / `TrainingArguments` vocabulary (snake_case keys, the
/// same defaults as transformers where it has one), mapped onto `FineTuneConfig`.
///
/// Decoding fills every absent key with its default; `knownKeys` lets a suite validator reject unknown ones.
public struct GLUEHyperparameters: Codable, Sendable, Equatable {
    public var maxSeqLength = 128
    public var perDeviceTrainBatchSize = 32
    public var perDeviceEvalBatchSize = 64
    public var learningRate: Float = 2e-5
    /// BERMo only: learning rate of the mix logits and gamma (see `FineTuneConfig.mixLearningRate`).
    public var mixLearningRate: Float = 1e-3
    public var numTrainEpochs: Double = 3
    /// Overrides `num_train_epochs` when set.
    public var maxSteps: Int?
    public var warmupRatio: Double = 0
    /// Overrides `warmup_ratio` when set.
    public var warmupSteps: Int?
    public var weightDecay: Float = 0
    public var maxGradNorm: Float = 1
    public var lrSchedulerType: LearningRateSchedule = .linear
    public var seed: UInt64 = 42
    /// First N training rows (after any dev split).
    public var maxTrainSamples: Int?
    /// First N rows of each eval set.
    public var maxEvalSamples: Int?
    /// Evaluate every N steps (and always at the end); nil = only at the end, which gives no curve.
    public var evalSteps: Int?
    /// Also evaluate before the first step (step 0), so curves start from the untrained head.
    public var evalOnStart = false
    /// Stop as `diverged` after this many evaluations in a row whose primary dev set is collapsed
    /// (`GLUEMetrics.isCollapsed`); nil = never.
    public var collapsePatience: Int?
    /// Dropout overrides; nil = the checkpoint's config.json.
    public var hiddenDropoutProb: Float?
    public var attentionProbsDropoutProb: Float?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxSeqLength = "max_seq_length"
        case perDeviceTrainBatchSize = "per_device_train_batch_size"
        case perDeviceEvalBatchSize = "per_device_eval_batch_size"
        case learningRate = "learning_rate"
        case mixLearningRate = "mix_learning_rate"
        case numTrainEpochs = "num_train_epochs"
        case maxSteps = "max_steps"
        case warmupRatio = "warmup_ratio"
        case warmupSteps = "warmup_steps"
        case weightDecay = "weight_decay"
        case maxGradNorm = "max_grad_norm"
        case lrSchedulerType = "lr_scheduler_type"
        case seed
        case maxTrainSamples = "max_train_samples"
        case maxEvalSamples = "max_eval_samples"
        case evalSteps = "eval_steps"
        case evalOnStart = "eval_on_start"
        case collapsePatience = "collapse_patience"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
    }

    /// Every key `init(from:)` understands.
    public static let knownKeys: [String] = CodingKeys.allCases.map(\.rawValue)

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GLUEHyperparameters()
        maxSeqLength = try c.decodeIfPresent(Int.self, forKey: .maxSeqLength) ?? d.maxSeqLength
        perDeviceTrainBatchSize = try c.decodeIfPresent(Int.self, forKey: .perDeviceTrainBatchSize) ?? d.perDeviceTrainBatchSize
        perDeviceEvalBatchSize = try c.decodeIfPresent(Int.self, forKey: .perDeviceEvalBatchSize) ?? d.perDeviceEvalBatchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        mixLearningRate = try c.decodeIfPresent(Float.self, forKey: .mixLearningRate) ?? d.mixLearningRate
        numTrainEpochs = try c.decodeIfPresent(Double.self, forKey: .numTrainEpochs) ?? d.numTrainEpochs
        maxSteps = try c.decodeIfPresent(Int.self, forKey: .maxSteps)
        warmupRatio = try c.decodeIfPresent(Double.self, forKey: .warmupRatio) ?? d.warmupRatio
        warmupSteps = try c.decodeIfPresent(Int.self, forKey: .warmupSteps)
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        maxGradNorm = try c.decodeIfPresent(Float.self, forKey: .maxGradNorm) ?? d.maxGradNorm
        lrSchedulerType = try c.decodeIfPresent(LearningRateSchedule.self, forKey: .lrSchedulerType) ?? d.lrSchedulerType
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        maxTrainSamples = try c.decodeIfPresent(Int.self, forKey: .maxTrainSamples)
        maxEvalSamples = try c.decodeIfPresent(Int.self, forKey: .maxEvalSamples)
        evalSteps = try c.decodeIfPresent(Int.self, forKey: .evalSteps)
        evalOnStart = try c.decodeIfPresent(Bool.self, forKey: .evalOnStart) ?? d.evalOnStart
        collapsePatience = try c.decodeIfPresent(Int.self, forKey: .collapsePatience)
        hiddenDropoutProb = try c.decodeIfPresent(Float.self, forKey: .hiddenDropoutProb)
        attentionProbsDropoutProb = try c.decodeIfPresent(Float.self, forKey: .attentionProbsDropoutProb)
    }

    /// Checks every value; the message names the field and the accepted range.
    public func validate() throws {
        func need(_ ok: Bool, _ key: CodingKeys, _ value: Any, _ rule: String) throws {
            guard ok else { throw RuntimeError("\(key.rawValue): \(value) is not allowed; \(rule)") }
        }
        try need(maxSeqLength >= 2, .maxSeqLength, maxSeqLength, "use at least 2 (room for [CLS] and [SEP]); 128 is run_glue's default")
        try need(perDeviceTrainBatchSize >= 1, .perDeviceTrainBatchSize, perDeviceTrainBatchSize, "use at least 1")
        try need(perDeviceEvalBatchSize >= 1, .perDeviceEvalBatchSize, perDeviceEvalBatchSize, "use at least 1")
        try need(learningRate > 0 && learningRate.isFinite, .learningRate, learningRate, "use a positive number such as 2e-5")
        try need(mixLearningRate >= 0 && mixLearningRate.isFinite, .mixLearningRate, mixLearningRate, "use 0 or a positive number such as 1e-3")
        try need(numTrainEpochs > 0 && numTrainEpochs.isFinite, .numTrainEpochs, numTrainEpochs, "use a positive number such as 3")
        if let v = maxSteps { try need(v >= 1, .maxSteps, v, "use at least 1, or omit it to train for num_train_epochs") }
        try need(warmupRatio >= 0 && warmupRatio < 1, .warmupRatio, warmupRatio, "use a fraction in [0, 1), such as 0.1")
        if let v = warmupSteps { try need(v >= 0, .warmupSteps, v, "use 0 or more") }
        try need(weightDecay >= 0 && weightDecay.isFinite, .weightDecay, weightDecay, "use 0 or a positive number such as 0.01")
        try need(maxGradNorm > 0 && maxGradNorm.isFinite, .maxGradNorm, maxGradNorm, "use a positive number such as 1.0")
        if let v = maxTrainSamples { try need(v >= 1, .maxTrainSamples, v, "use at least 1, or omit it to use every row") }
        if let v = maxEvalSamples { try need(v >= 1, .maxEvalSamples, v, "use at least 1, or omit it to use every row") }
        if let v = evalSteps { try need(v >= 1, .evalSteps, v, "use at least 1 (evaluations every that many steps)") }
        if let v = collapsePatience { try need(v >= 1, .collapsePatience, v, "use at least 1, or omit it to never stop on collapse") }
        for (v, key) in [(hiddenDropoutProb, CodingKeys.hiddenDropoutProb), (attentionProbsDropoutProb, .attentionProbsDropoutProb)] {
            if let v { try need(v >= 0 && v < 1, key, v, "use a probability in [0, 1)") }
        }
    }

    /// The runtime's configuration for these values.
    public func fineTuneConfig() -> FineTuneConfig {
        var c = FineTuneConfig()
        c.maxSeqLength = maxSeqLength; c.perDeviceTrainBatchSize = perDeviceTrainBatchSize
        c.perDeviceEvalBatchSize = perDeviceEvalBatchSize; c.learningRate = learningRate
        c.mixLearningRate = mixLearningRate; c.numTrainEpochs = numTrainEpochs; c.maxSteps = maxSteps
        c.warmupRatio = warmupRatio; c.warmupSteps = warmupSteps; c.weightDecay = weightDecay
        c.maxGradNorm = maxGradNorm; c.schedule = lrSchedulerType; c.seed = seed; c.evalSteps = evalSteps
        c.collapsePatience = collapsePatience
        c.hiddenDropout = hiddenDropoutProb; c.attentionDropout = attentionProbsDropoutProb
        return c
    }

    public var dataOptions: GLUEDataOptions { GLUEDataOptions(maxTrainSamples: maxTrainSamples, maxEvalSamples: maxEvalSamples) }
}
