import BermoHarness
import BermoRuntime
import Foundation

/// A `senteval.probe` task's parameters as a suite declares them.
///
/// ```yaml
/// - task: subj_number
///   plugin: senteval.probe
///   probe_task: SubjNum            # one of the 10, or `file:` for any TSV in SentEval's format
///   pooling: mean                  # mean (default; what all-MiniLM-L6-v2 was trained with) or cls
///   classifier: logreg             # or mlp (hidden_units, dropout)
///   standardize: false             # z-score features with train statistics (not SentEval's default)
///   stopping: senteval             # SentEval's never-reset counter, or patience
///   protocol: frozen               # frozen features (SentEval's), or finetune (the whole encoder)
/// ```
/// With `protocol: finetune` the shared fine-tuning settings apply (`learning_rate`, `num_train_epochs`, …,
/// with this protocol's own defaults: one epoch, 10% warm-up, weight decay 0.01); `max_seq_length` bounds
/// the sentences under either protocol.
public struct ProbeTaskConfig: Settings {
    public enum ProbeProtocol: String, SettingChoice { case frozen, finetune }
    public enum Classifier: String, SettingChoice { case logreg, mlp }

    @Setting("probe_task", help: "One of the ten SentEval probing tasks (paper name or file stem); default: the task id.")
    public var probeTask: SentEvalTask? = nil
    /// Not hashed as written: the file's content is (it is a data file of the task).
    @Setting("file", changesResults: false, help: "Any TSV in SentEval's format (split<TAB>label<TAB>sentence, split tr/va/te) instead of probe_task.")
    public var file: SettingPath? = nil
    @Setting("pooling", help: "mean (what all-MiniLM-L6-v2 was trained with) or cls.")
    public var pooling: Pooling = .mean
    @Setting("classifier", help: "logreg (SentEval's nhid 0) or mlp.")
    public var classifier: Classifier = .logreg
    @Setting("hidden_units", .in(1...100_000), help: "MLP hidden units (classifier: mlp only); default 50.")
    public var hiddenUnits: Int? = nil
    @Setting("dropout", .in(0...0.99), help: "MLP dropout on the hidden pre-activations.")
    public var dropout: Float = 0
    @Setting("standardize", help: "Z-score each feature with train-split statistics (not SentEval's default).")
    public var standardize = false
    @Setting("stopping", help: "senteval: SentEval's never-reset counter; patience: reset on improvement.")
    public var stopping: StoppingRule = .sentEval
    @Setting("tenacity", .in(0...1000), help: "Non-improving dev checks tolerated (SentEval: 5).")
    public var tenacity = 5
    @Setting("epoch_size", .in(1...1000), help: "Passes over the training set between dev checks (SentEval: 4).")
    public var epochSize = 4
    @Setting("batch_size", .in(1...100_000), help: "Probe training batch size (SentEval: 64).")
    public var batchSize = 64
    @Setting("max_epoch", .in(0...100_000), help: "Most passes over the training set (SentEval: 200).")
    public var maxEpoch = 200
    @Setting("l2_grid", .nonEmpty(each: .in(0...1e6)), help: "Adam weight decays tried, the best on dev kept (SentEval's grid).")
    public var l2Grid: [Double] = [1e-5, 1e-4, 1e-3, 1e-2]
    @Setting("protocol", help: "frozen: SentEval's probe on cached features; finetune: the whole encoder trained with the variant's head.")
    public var protocolKind: ProbeProtocol = .frozen
    @InlineSettings public var finetune = ProbeTaskConfig.finetuneDefaults

    public init() {}

    /// The fine-tuning protocol's defaults: one epoch, 10% warm-up, weight decay 0.01 (a probing task is
    /// small; run_glue's three epochs without warm-up overfit it).
    public static var finetuneDefaults: FineTuneConfig {
        var c = FineTuneConfig()
        c.numTrainEpochs = 1; c.warmupRatio = 0.1; c.weightDecay = 0.01
        return c
    }

    public func check() throws {
        if probeTask != nil && file != nil {
            throw SettingError("file", "give either `probe_task` (one of the 10 SentEval tasks) or `file`, not both", fix: "remove one of them")
        }
        if classifier == .logreg && hiddenUnits != nil {
            throw SettingError("hidden_units", "only applies to `classifier: mlp`", fix: "set classifier: mlp or remove hidden_units")
        }
        if protocolKind == .frozen {
            // Fine-tuning settings that differ from the protocol's defaults would be silently ignored.
            var written = finetune, defaults = Self.finetuneDefaults
            written.maxSeqLength = 0; defaults.maxSeqLength = 0
            if case .object(let w) = written.settingsJSON(), case .object(let d) = defaults.settingsJSON(),
               let key = w.keys.sorted().first(where: { w[$0] != d[$0] }) {
                throw SettingError(key, "only applies to `protocol: finetune`", fix: "set protocol: finetune or remove \(key)")
            }
        }
    }

    /// SentEval's classifier settings these parameters ask for (with SentEval's per-task override).
    public var classifierSettings: ProbeConfig {
        var probe = ProbeConfig()
        probe.hiddenUnits = classifier == .mlp ? hiddenUnits ?? 50 : 0
        probe.dropout = dropout
        probe.standardize = standardize
        probe.stopping = stopping
        probe.tenacity = tenacity
        probe.epochSize = epochSize
        probe.batchSize = batchSize
        probe.maxEpoch = maxEpoch
        probe.l2Grid = l2Grid.map(Float.init)
        return probeTask.map { $0.adjusted(probe) } ?? probe
    }

    /// Resolves `probe_task` (default: the task id) and the data file.
    func resolved(_ context: PrepareContext) throws -> (ProbeTaskConfig, DataFile) {
        var c = self
        if let file {
            return (c, DataFile(file.url, userFile: "a TSV in SentEval's format: split<TAB>label<TAB>sentence with split tr/va/te"))
        }
        if c.probeTask == nil {
            guard let task = SentEvalTask(name: context.taskID) else {
                throw SettingError("probe_task", "task `\(context.taskID)` is not a SentEval probing task, so `probe_task` (or `file`) is needed",
                                   fix: "add `probe_task:` with one of \(SentEvalTask.words.joined(separator: ", ")), or `file:` for your own TSV")
            }
            c.probeTask = task
        }
        return (c, context.dataFile("senteval-probing/\(c.probeTask!.fileName)", fetch: "bermo data fetch senteval"))
    }
}

extension SentEvalTask: SettingChoice {
    /// Accepts the paper's name (`SubjNum`), any case, or the file's stem (`subj_number`).
    public init?(setting json: JSONValue) {
        guard case .string(let s) = json, let task = SentEvalTask(name: s) else { return nil }
        self = task
    }
}

extension StoppingRule: SettingChoice {}
