import BermoHarness
import BermoRuntime
import Foundation

/// A `senteval.probe` task's parameters as a suite declares them, decoded and validated with located errors.
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
struct ProbeTaskParameters: Sendable {
    enum ProbeProtocol: String, Sendable { case frozen, finetune }

    var file: DataFile
    var taskName: String
    var knownTask: SentEvalTask?
    var pooling: Pooling
    var probe: ProbeConfig
    var maxLength: Int
    var protocolKind: ProbeProtocol
    var finetune: FineTuneConfig

    static let allowed = ["probe_task", "file", "pooling", "classifier", "hidden_units", "dropout", "standardize",
                          "stopping", "tenacity", "epoch_size", "batch_size", "max_epoch", "l2_grid", "max_length",
                          "protocol", "learning_rate", "mix_learning_rate", "num_train_epochs", "per_device_train_batch_size",
                          "warmup_ratio", "weight_decay", "max_train_samples", "eval_steps"]

    /// - Parameter extraKeys: parameters a derived task (e.g. `senteval.control`) reads itself.
    init(_ p: TaskParameters, context: PrepareContext, extraKeys: [String] = []) throws {
        try p.rejectUnknown(allowed: Self.allowed + extraKeys)
        let names = SentEvalTask.allCases.map(\.rawValue)
        if let path = try p.path("file") {
            guard !p.keys.contains("probe_task") else {
                throw p.error("file", "give either `probe_task` (one of the 10 SentEval tasks) or `file`, not both",
                              fix: "remove one of them")
            }
            file = DataFile(path, fetchHint: "a TSV in SentEval's format: split<TAB>label<TAB>sentence with split tr/va/te")
            taskName = p.taskID
            knownTask = nil
        } else {
            let name = try p.string("probe_task", default: p.taskID)
            guard let task = SentEvalTask(name: name) else {
                throw p.error("probe_task", "'\(name)' is not a SentEval probing task",
                              fix: "use one of \(names.joined(separator: ", ")), or `file:` for your own TSV")
            }
            knownTask = task
            taskName = task.rawValue
            file = context.dataFile("senteval-probing/\(task.fileName)", fetch: "bermo data fetch senteval")
        }
        pooling = Pooling(rawValue: try p.choice("pooling", from: ["mean", "cls"], default: "mean"))!
        var probe = ProbeConfig()
        let classifier = try p.choice("classifier", from: ["logreg", "mlp"], default: "logreg")
        probe.hiddenUnits = classifier == "mlp" ? try p.int("hidden_units", default: 50, in: 1...100_000) : 0
        if classifier == "logreg" && p.keys.contains("hidden_units") {
            throw p.error("hidden_units", "only applies to `classifier: mlp`", fix: "set classifier: mlp or remove hidden_units")
        }
        probe.dropout = Float(try p.double("dropout", default: 0, in: 0...0.99))
        probe.standardize = try p.bool("standardize", default: false)
        probe.stopping = StoppingRule(rawValue: try p.choice("stopping", from: ["senteval", "patience"], default: "senteval"))!
        probe.tenacity = try p.int("tenacity", default: 5, in: 0...1000)
        probe.epochSize = try p.int("epoch_size", default: 4, in: 1...1000)
        probe.batchSize = try p.int("batch_size", default: 64, in: 1...100_000)
        probe.maxEpoch = try p.int("max_epoch", default: 200, in: 0...100_000)
        let grid: [Double] = try p.value("l2_grid", default: [1e-5, 1e-4, 1e-3, 1e-2])
        guard !grid.isEmpty, grid.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw p.error("l2_grid", "must be a non-empty list of non-negative numbers", fix: "e.g. [1e-5, 1e-4, 1e-3, 1e-2] (SentEval's)")
        }
        probe.l2Grid = grid.map(Float.init)
        if let task = knownTask { probe = task.adjusted(probe) }
        self.probe = probe
        maxLength = try p.int("max_length", default: 128, in: 2...512)
        protocolKind = ProbeProtocol(rawValue: try p.choice("protocol", from: ["frozen", "finetune"], default: "frozen"))!
        var ft = FineTuneConfig()
        ft.maxSeqLength = maxLength
        ft.learningRate = Float(try p.double("learning_rate", default: 2e-5, in: 1e-9...1))
        ft.mixLearningRate = Float(try p.double("mix_learning_rate", default: 1e-3, in: 0...10))
        ft.numTrainEpochs = try p.double("num_train_epochs", default: 1, in: 0.001...1000)
        ft.perDeviceTrainBatchSize = try p.int("per_device_train_batch_size", default: 32, in: 1...4096)
        ft.warmupRatio = try p.double("warmup_ratio", default: 0.1, in: 0...1)
        ft.weightDecay = Float(try p.double("weight_decay", default: 0.01, in: 0...1))
        ft.evalSteps = try p.optional("eval_steps", as: Int.self)
        if protocolKind == .frozen {
            for key in ["learning_rate", "num_train_epochs", "per_device_train_batch_size", "warmup_ratio", "weight_decay", "eval_steps", "max_train_samples"] where p.keys.contains(key) {
                throw p.error(key, "only applies to `protocol: finetune`", fix: "set protocol: finetune or remove \(key)")
            }
        }
        finetune = ft
        maxTrainSamples = try p.optional("max_train_samples", as: Int.self)
    }

    var maxTrainSamples: Int?

    /// Everything a result depends on, defaults resolved (hashed into job ids).
    var configuration: JSONValue {
        var c: [String: JSONValue] = [
            "probe_task": .string(taskName), "file": .string(file.url.lastPathComponent), "pooling": .string(pooling.rawValue),
            "hidden_units": .double(Double(probe.hiddenUnits)), "dropout": .double(Double(probe.dropout)),
            "standardize": .bool(probe.standardize), "stopping": .string(probe.stopping.rawValue),
            "tenacity": .double(Double(probe.tenacity)), "epoch_size": .double(Double(probe.epochSize)),
            "batch_size": .double(Double(probe.batchSize)), "max_epoch": .double(Double(probe.maxEpoch)),
            "l2_grid": .array(probe.l2Grid.map { .double(Double($0)) }), "max_length": .double(Double(maxLength)),
            "protocol": .string(protocolKind.rawValue),
        ]
        if protocolKind == .finetune {
            c["learning_rate"] = .double(Double(finetune.learningRate))
            c["mix_learning_rate"] = .double(Double(finetune.mixLearningRate))
            c["num_train_epochs"] = .double(finetune.numTrainEpochs)
            c["per_device_train_batch_size"] = .double(Double(finetune.perDeviceTrainBatchSize))
            c["warmup_ratio"] = .double(finetune.warmupRatio)
            c["weight_decay"] = .double(Double(finetune.weightDecay))
            c["eval_steps"] = finetune.evalSteps.map { .double(Double($0)) } ?? .null
            c["max_train_samples"] = maxTrainSamples.map { .double(Double($0)) } ?? .null
        }
        return .object(c)
    }
}
