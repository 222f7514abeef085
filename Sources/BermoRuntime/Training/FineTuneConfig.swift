/// Fine-tuning settings in Hugging Face `run_glue.py` / `TrainingArguments` vocabulary, declared once and
/// shared by `bermo finetune` (its options are generated from these declarations), `glue.finetune`,
/// `glue.prune` and the probe's fine-tuning protocol. Defaults are transformers' where it has one.
public struct FineTuneConfig: Settings {
    @Setting("max_seq_length", .in(2...512), help: "Tokens per sequence, [CLS] and [SEP] included; longer inputs are truncated.")
    public var maxSeqLength = 128
    @Setting("per_device_train_batch_size", .in(1...4096), help: "Training examples per step.")
    public var perDeviceTrainBatchSize = 32
    @Setting("per_device_eval_batch_size", .in(1...4096), help: "Examples per evaluation batch (does not change results).")
    public var perDeviceEvalBatchSize = 64
    @Setting("learning_rate", .above(0, atMost: 1), help: "Peak learning rate of the encoder, pooler and classifier.")
    public var learningRate: Float = 2e-5
    /// The mix is 8 scalars that must move far from their uniform start within a few hundred steps, so it
    /// trains 50x faster than the encoder by default.
    @Setting("mix_learning_rate", .in(0...10), help: "BERMo only: learning rate of the layer-mix weights and gamma.")
    public var mixLearningRate: Float = 1e-3
    @Setting("num_train_epochs", .above(0, atMost: 10_000), help: "Passes over the training set (max_steps overrides it).")
    public var numTrainEpochs: Double = 3
    @Setting("max_steps", .in(1...10_000_000), help: "Training steps; overrides num_train_epochs when set.")
    public var maxSteps: Int? = nil
    @Setting("warmup_ratio", .in(0..<1), help: "Fraction of the steps spent warming the learning rate up from 0.")
    public var warmupRatio: Double = 0
    @Setting("warmup_steps", .in(0...10_000_000), help: "Warm-up steps; overrides warmup_ratio when set.")
    public var warmupSteps: Int? = nil
    @Setting("weight_decay", .in(0...1), help: "AdamW's decoupled weight decay.")
    public var weightDecay: Float = 0
    @Setting("max_grad_norm", .above(0, atMost: 1e6), help: "Global gradient-norm clipping threshold.")
    public var maxGradNorm: Float = 1
    @Setting("lr_scheduler_type", help: "Learning-rate schedule after warm-up.")
    public var schedule: LearningRateSchedule = .linear
    @Setting("eval_steps", .in(1...10_000_000), help: "Evaluate on dev every this many steps (and always at the end); unset: only at the end.")
    public var evalSteps: Int? = nil
    @Setting("hidden_dropout_prob", .in(0..<1), help: "Dropout on hidden states; unset: the checkpoint's config.json.")
    public var hiddenDropout: Float? = nil
    @Setting("attention_probs_dropout_prob", .in(0..<1), help: "Dropout on attention probabilities; unset: the checkpoint's config.json.")
    public var attentionDropout: Float? = nil
    @Setting("freeze", help: "Parameter groups not trained (e.g. [embeddings]; [embeddings, encoder] trains only the head).")
    public var freeze: [ParameterLayout.Group] = []
    /// A run that never leaves the majority level is not called diverged: its final score says so.
    @Setting("collapse_patience", .in(1...100_000),
             help: "Stop as diverged when dev predictions fall back to the majority level, after having been above it, for this many evaluations in a row; unset: never.")
    public var collapsePatience: Int? = nil
    @Setting("max_train_samples", .in(1...1_000_000_000), help: "Use only the first N training examples (as run_glue.py).")
    public var maxTrainSamples: Int? = nil
    @Setting("max_eval_samples", .in(1...1_000_000_000), help: "Use only the first N examples of each evaluation set.")
    public var maxEvalSamples: Int? = nil

    /// The dropout and shuffling seed: a suite's `seeds:` or `--seed`, not a task setting.
    public var seed: UInt64 = 42

    public init() {}

    public func check() throws {
        if let steps = warmupSteps, let total = maxSteps, steps > total {
            throw SettingError("warmup_steps", "\(steps) warm-up steps are more than the \(total) training steps (max_steps)",
                               fix: "use at most \(total), or warmup_ratio")
        }
    }

    public func totalSteps(trainCount: Int) -> Int {
        if let maxSteps { return maxSteps }
        let perEpoch = (trainCount + perDeviceTrainBatchSize - 1) / perDeviceTrainBatchSize
        return Int((numTrainEpochs * Double(perEpoch)).rounded(.up))
    }

    public func warmup(total: Int) -> Int { warmupSteps ?? Int((warmupRatio * Double(total)).rounded(.up)) }

    /// The first `max_train_samples` of `examples`.
    public func trainLimited<T>(_ examples: [T]) -> [T] { maxTrainSamples.map { Array(examples.prefix($0)) } ?? examples }
    /// The first `max_eval_samples` of `examples`.
    public func evalLimited<T>(_ examples: [T]) -> [T] { maxEvalSamples.map { Array(examples.prefix($0)) } ?? examples }

    /// Learning rates per group at the peak of the schedule; frozen groups get none.
    public func learningRates(variant: HeadVariant) -> [ParameterLayout.Group: Float] {
        var rates: [ParameterLayout.Group: Float] = [.embeddings: learningRate, .encoder: learningRate,
                                                      .pooler: learningRate, .classifier: learningRate,
                                                      .mix: mixLearningRate]
        for g in freeze { rates[g] = nil }
        return rates
    }
}

extension LearningRateSchedule: SettingChoice {}
extension ParameterLayout.Group: SettingChoice {}
extension HeadVariant: SettingChoice {}
extension Pooling: SettingChoice {}
