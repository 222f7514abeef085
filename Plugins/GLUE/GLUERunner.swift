import BermoRuntime
import Foundation

/// One point of a GLUE dev curve.
public struct GLUECurvePoint: Codable, Sendable, Equatable {
    public var step: Int
    /// step × per_device_train_batch_size (as `FineTuner` logs it).
    public var examplesSeen: Int
    public var epoch: Double
    /// Mean training loss over the steps since the previous point (nil at step 0).
    public var trainLoss: Double?
    public var learningRate: Float?
    /// Eval set name → metric → value, each set with its `score`.
    public var metrics: [String: [String: Double]]
    /// The task score at this step: mean of the eval sets' scores (see `GLUEMetrics`).
    public var score: Double
    /// BERMo: softmax(w) of the layer mix and gamma.
    public var mixWeights: [Float]?
    public var mixGamma: Float?
    /// Fields a training hook logged at this evaluation (pruning: `remaining_weights`, `threshold`, …).
    public var extra: [String: Double]?
}

/// The outcome of one GLUE job (task × head × seed).
public struct GLUERunResult: Codable, Sendable {
    public var task: GLUETaskID
    public var head: HeadVariant
    public var seed: UInt64
    /// `completed`, or `diverged` (non-finite loss, or the dev score collapsed for `collapse_patience` evaluations).
    public var status: RunStatus
    public var divergedAtStep: Int?
    public var divergenceReason: String?
    public var steps: Int
    public var plannedSteps: Int
    public var curve: [GLUECurvePoint]
    /// The last point's metrics per eval set, and the best task score over the curve.
    public var finalMetrics: [String: [String: Double]]
    public var finalScore: Double?
    public var bestScore: Double?
    public var bestStep: Int?
    /// The majority-class predictor's metrics per eval set (the collapse level), for context.
    public var majorityBaseline: [String: [String: Double]]
    public var trainExamples: Int
    public var evalExamples: [String: Int]
    /// Rows skipped as malformed, as `path:line` (QQP).
    public var skippedRows: [String]
    /// Facts about the data (a dev split used for training: then the numbers are not GLUE dev results).
    public var dataNotes: [String]
    public var trainSeconds: Double
    public var trainExamplesPerSecond: Double
    /// Per-example predictions of the final model on each eval set (only when asked for: `--log-samples`).
    public var samples: [GLUESample]?

    /// The task-score curve for `Convergence`.
    public var scoreCurve: [Convergence.Point] {
        curve.map { Convergence.Point(step: $0.step, examplesSeen: $0.examplesSeen, score: $0.score) }
    }
}

/// One eval example with the final model's prediction (`--log-samples`).
public struct GLUESample: Codable, Sendable {
    public var evalSet: String
    public var index: Int
    public var text: String
    public var pair: String?
    /// The gold label name (classification) or value (regression).
    public var target: String
    public var prediction: String
}

/// Where a GLUE run keeps its resumable state.
public struct Checkpointing: Sendable {
    /// The checkpoint folder (a `TrainerCheckpoint` plus the curve so far); removed when the run ends.
    public var directory: URL
    /// The model's own directory (config.json and tokenizer files are copied from it).
    public var sourceDirectory: URL
    static let curveFile = "glue_curve.json"

    /// What a GLUE run keeps beside the trainer's state: the curve so far and the training loss summed since
    /// its last point, so a run stopped between two evaluations (SIGTERM) resumes to exactly the same curve.
    struct SavedCurve: Codable {
        var points: [GLUECurvePoint]
        var pendingLossSum: Double
        var pendingLossCount: Int
    }
    public init(directory: URL, sourceDirectory: URL) { self.directory = directory; self.sourceDirectory = sourceDirectory }
}

/// What a caller hears while a job runs.
public enum GLUEProgress: Sendable {
    case resumed(step: Int)
    case step(step: Int, total: Int, loss: Float)
    case evaluation(GLUECurvePoint)
    case diverged(step: Int, reason: String)
}

/// Fine-tunes and evaluates one GLUE job: BERT or BERMo head, run_glue hyper-parameters, every eval set of
/// the task (MNLI: matched and mismatched) every `eval_steps`, the curve recorded; divergence is a result.
public enum GLUERunner {
    /// Loads a checkpoint directory with the task's head (`numLabels` from the task; the head and the mix are
    /// initialised from `seed`). `mix` is used only for the BERMo head (default: AllenNLP ScalarMix over every
    /// hidden state, as the paper).
    public static func loadModel(directory: URL, task: GLUETask, head: HeadVariant, mix: MixConfig = MixConfig(),
                                 seed: UInt64) throws -> (BertModel, Tokenizer) {
        try BertModel.loadWithTokenizer(directory: directory, numLabels: task.kind.numLabels,
                                        mix: head == .bermo ? mix : nil, seed: seed)
    }

    /// Trains `model` on `dataset.train` and evaluates on every eval set. The model's head must match the
    /// task (see `loadModel`). `training`'s `max_train_samples`/`max_eval_samples` are applied here too if
    /// the dataset was loaded without them.
    /// - Parameters:
    ///   - freeze: parameter groups not trained (pruning freezes the embeddings, as emmental does).
    ///   - hook: built once the run length is known (e.g. a pruning schedule); takes part in every step.
    ///   - checkpoint: where to save a resumable state at every evaluation (and resume from, when it holds
    ///     one); the hook's state and the curve so far are part of it.
    public static func run(_ dataset: GLUEDataset, model: BertModel, tokenizer: Tokenizer,
                           training: FineTuneConfig, evalOnStart: Bool = false,
                           freeze: [ParameterLayout.Group] = [],
                           hook: ((FineTuneConfig, _ trainCount: Int) throws -> TrainingHook)? = nil,
                           checkpoint: Checkpointing? = nil,
                           logSamples: Bool = false,
                           progress: (GLUEProgress) -> Void = { _ in }) throws -> GLUERunResult {
        let task = dataset.task
        let train = training.trainLimited(dataset.train.examples)
        let evalSets = dataset.evalSets.map { FineTuner.EvalSet(name: $0.name, examples: training.evalLimited($0.examples)) }
        var config = training
        config.freeze = Array(Set(config.freeze + freeze)).sorted { $0.rawValue < $1.rawValue }
        let tuner = try FineTuner(model: model, tokenizer: tokenizer, config: config, kind: task.kind)
        tuner.hook = try hook?(config, train.count)
        tuner.metrics = { p, e in GLUEMetrics.compute(task, predictions: p, examples: e) }
        tuner.isCollapsed = { p, e in GLUEMetrics.isCollapsed(task, predictions: p, examples: e) }

        func point(step: Int, epoch: Double, loss: Double?, lr: Float?, metrics: [String: [String: Double]],
                   mixWeights: [Float]?, mixGamma: Float?) -> GLUECurvePoint {
            let scores = evalSets.compactMap { metrics[$0.name]?[GLUEMetrics.scoreKey] }
            return GLUECurvePoint(step: step, examplesSeen: step * training.perDeviceTrainBatchSize, epoch: epoch,
                                  trainLoss: loss, learningRate: lr, metrics: metrics,
                                  score: GLUEMetrics.taskScore(scores), mixWeights: mixWeights, mixGamma: mixGamma)
        }

        var curve: [GLUECurvePoint] = []
        var lossSum = 0.0, lossCount = 0
        var resumed = false
        if let checkpoint, let dir = TrainerCheckpoint.latest(in: checkpoint.directory) {
            try TrainerCheckpoint.resume(tuner, from: dir)
            let file = dir.appendingPathComponent(Checkpointing.curveFile)
            do {
                let data = try Data(contentsOf: file)
                let saved = try JSONDecoder().decode(Checkpointing.SavedCurve.self, from: data)
                guard saved.pendingLossCount >= 0, saved.points.allSatisfy({ (0...tuner.step).contains($0.step) }) else {
                    throw RuntimeError("its points or pending loss count lie outside steps 0...\(tuner.step) of the trainer state")
                }
                curve = saved.points; lossSum = saved.pendingLossSum; lossCount = saved.pendingLossCount
            } catch {
                throw RuntimeError("\(file.path): cannot read the saved dev curve (\(ErrorText.describe(error))); delete \(checkpoint.directory.path) to start this job over")
            }
            resumed = true
            progress(.resumed(step: tuner.step))
        }
        if evalOnStart && !resumed {
            var metrics: [String: [String: Double]] = [:]
            for s in evalSets where !s.examples.isEmpty {
                metrics[s.name] = GLUEMetrics.compute(task, predictions: try tuner.predict(s.examples), examples: s.examples)
            }
            var mix: ([Float]?, Float?) = (nil, nil)
            if let w = model.layout.mixWeights, let g = model.layout.mixGamma {
                mix = (ScalarMix.normalizedWeights(model.p(w), count: model.mixLayers.count), model.p(g)[0])
            }
            let p = point(step: 0, epoch: 0, loss: nil, lr: nil, metrics: metrics, mixWeights: mix.0, mixGamma: mix.1)
            curve.append(p)
            progress(.evaluation(p))
        }

        let result = try tuner.train(train, evalSets: evalSets, observer: { event in
            switch event {
            case .step(let step, let total, let loss):
                lossSum += Double(loss); lossCount += 1
                progress(.step(step: step, total: total, loss: loss))
            case .evaluation(let entry):
                let metrics = entry.evals ?? (entry.eval.map { [evalSets[0].name: $0] } ?? [:])
                let p = point(step: entry.step, epoch: entry.epoch, loss: lossCount > 0 ? lossSum / Double(lossCount) : nil,
                              lr: entry.learningRate, metrics: metrics, mixWeights: entry.mixWeights, mixGamma: entry.mixGamma)
                lossSum = 0; lossCount = 0
                var withExtra = p
                withExtra.extra = entry.extra
                curve.append(withExtra)
                progress(.evaluation(withExtra))
            case .diverged(let step, let reason):
                progress(.diverged(step: step, reason: reason))
            }
        }, checkpoint: checkpoint.map { c in
            { t in try TrainerCheckpoint.save(t, sourceDirectory: c.sourceDirectory, to: c.directory,
                                              extraFiles: [Checkpointing.curveFile: try JSONEncoder().encode(
                                                  Checkpointing.SavedCurve(points: curve, pendingLossSum: lossSum, pendingLossCount: lossCount))]) }
        })
        if let checkpoint { TrainerCheckpoint.remove(checkpoint.directory) }   // finished: the state is no longer needed

        let top = Convergence.best(curve.map { Convergence.Point(step: $0.step, examplesSeen: $0.examplesSeen, score: $0.score) })
        var baseline: [String: [String: Double]] = [:]
        for s in evalSets where !s.examples.isEmpty { baseline[s.name] = GLUEMetrics.majorityBaseline(task, examples: s.examples) }
        return GLUERunResult(
            task: task.id, head: model.variant, seed: training.seed, status: result.status,
            divergedAtStep: result.divergedAtStep, divergenceReason: result.divergenceReason,
            steps: result.steps, plannedSteps: config.totalSteps(trainCount: train.count), curve: curve,
            finalMetrics: curve.last?.metrics ?? [:], finalScore: curve.last?.score,
            bestScore: top?.score, bestStep: top?.step, majorityBaseline: baseline,
            trainExamples: train.count, evalExamples: Dictionary(uniqueKeysWithValues: evalSets.map { ($0.name, $0.examples.count) }),
            skippedRows: dataset.train.skippedRows + dataset.evalSets.flatMap(\.skippedRows),
            dataNotes: dataset.notes,
            trainSeconds: result.trainSeconds, trainExamplesPerSecond: result.examplesPerSecond,
            samples: logSamples ? try samples(tuner, task: task, evalSets: evalSets) : nil)
    }

    static func samples(_ tuner: FineTuner, task: GLUETask, evalSets: [FineTuner.EvalSet]) throws -> [GLUESample] {
        try evalSets.flatMap { set -> [GLUESample] in
            let p = try tuner.predict(set.examples)
            func name(_ i: Int) -> String { task.labelNames.map { $0.indices.contains(i) ? $0[i] : String(i) } ?? String(i) }
            return set.examples.enumerated().map { i, e in
                task.kind == .regression
                    ? GLUESample(evalSet: set.name, index: i, text: e.text, pair: e.pair, target: String(e.value), prediction: String(p.values[i]))
                    : GLUESample(evalSet: set.name, index: i, text: e.text, pair: e.pair, target: name(e.label), prediction: name(p.classes[i]))
            }
        }
    }

    /// Loads the task's data (ready or skipped), with `training`'s sample limits and `devSplit`.
    public static func prepare(_ task: GLUETask, dataDirectory: URL, training: FineTuneConfig,
                               devSplit: GLUEDevSplit? = nil) throws -> GLUEAvailability {
        let options = GLUEDataOptions(maxTrainSamples: training.maxTrainSamples, maxEvalSamples: training.maxEvalSamples, devSplit: devSplit)
        return try GLUEDataDirectory(dataDirectory).load(task, options: options)
    }
}
