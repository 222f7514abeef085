import Foundation

/// Fine-tunes a `BertModel` with a classification or regression head (plain BERT or BERMo):
/// dropout, AdamW with per-group learning rates, global-norm clipping, warm-up + decay, periodic dev
/// evaluation, divergence detection and resumable checkpoints.
public final class FineTuner {
    public let model: BertModel
    public let tokenizer: Tokenizer
    public let config: FineTuneConfig
    public let kind: TaskKind
    public let optimizer: AdamW
    public let gradients: ParameterBuffer
    /// Computes dev metrics from predictions; defaults to accuracy or Pearson/Spearman.
    public var metrics: (Predictions, [Example]) -> [String: Double]
    /// Takes part in every step (pruning schedules); nil for plain fine-tuning.
    public var hook: TrainingHook?
    /// The metric whose best value `trainer_state.json` reports as `best_metric` (transformers'
    /// `metric_for_best_model`): accuracy, or Pearson's r for regression. Callers with other metrics set theirs;
    /// a name the evaluations do not report leaves `best_metric` null.
    public var metricForBestModel: String
    /// Total steps of the current run (known to the hook), and steps per pass over the training set.
    public private(set) var totalSteps = 0
    public private(set) var stepsPerEpoch = 1
    /// Examples in the primary eval set (for transformers' `eval_samples_per_second`).
    public private(set) var evalExamples = 0
    /// Input tokens of every training batch so far (bermo packs without padding, so real tokens only): a resumed
    /// run recounts those of the steps before it from the seeded batch order.
    public private(set) var inputTokensSeen = 0
    /// Whether one evaluation of the primary (first) eval set counts toward `collapsePatience`; defaults to
    /// "every dev prediction is the same class". Callers with a task-specific notion (e.g. "no better than the
    /// majority-class predictor") replace it.
    public var isCollapsed: (Predictions, [Example]) -> Bool = { p, _ in p.isConstant }

    private let acts = Activations(), head = HeadActivations(), scratch = GradientScratch()
    public private(set) var step = 0
    public private(set) var rng: SeededRandom
    public private(set) var history: [LogEntry] = []

    public init(model: BertModel, tokenizer: Tokenizer, config: FineTuneConfig, kind: TaskKind) throws {
        guard model.numLabels == kind.numLabels else {
            throw RuntimeError("the model head has \(model.numLabels) outputs but the task needs \(kind.numLabels)")
        }
        do { try config.validate() } catch let e as SettingError { throw RuntimeError("fine-tuning settings: \(e)") }
        try tokenizer.checkFits(embeddingRows: model.embeddingRows.words)
        guard config.maxSeqLength <= model.config.maxPositionEmbeddings else {
            throw RuntimeError("max_seq_length \(config.maxSeqLength) must lie in 2...\(model.config.maxPositionEmbeddings) (the model's max_position_embeddings)")
        }
        self.model = model; self.tokenizer = tokenizer; self.config = config; self.kind = kind
        optimizer = AdamW(layout: model.layout, hyper: .init(weightDecay: config.weightDecay))
        gradients = ParameterBuffer(count: model.layout.total)
        rng = SeededRandom(seed: config.seed)
        metrics = { p, e in p.defaultMetrics(e, kind: kind) }
        metricForBestModel = kind.numLabels == 1 ? "pearson" : "accuracy"
    }

    func encode(_ examples: [Example]) -> [Encoding] {
        examples.map { tokenizer.encode($0.text, pair: $0.pair, maxLength: config.maxSeqLength) }
    }

    func targets(_ examples: [Example], _ idx: [Int]) -> Targets {
        switch kind {
        case .classification: .classes(idx.map { examples[$0].label })
        case .regression: .values(idx.map { examples[$0].value })
        }
    }

    /// The example order of `epoch`: a seeded shuffle that depends only on (seed, epoch), so a resumed
    /// run sees exactly the batches the uninterrupted one would have.
    public static func order(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var r = SeededRandom(seed: seed &* 0x9E37_79B9 &+ UInt64(epoch) &+ 1)
        var order = Array(0..<count)
        order.shuffle(using: &r)
        return order
    }

    /// The training examples of (0-based) `step`, from the seeded order of its epoch.
    static func batch(step: Int, count: Int, batchSize: Int, seed: UInt64) -> [Int] {
        let perEpoch = (count + batchSize - 1) / batchSize
        let epoch = step / perEpoch, within = step % perEpoch
        let order = Self.order(count: count, seed: seed, epoch: epoch)
        return Array(order[(within * batchSize)..<min((within + 1) * batchSize, count)])
    }

    /// The input tokens of steps `0..<steps` (a resumed run's history), recounted from the batch order.
    static func inputTokens(steps: Int, encodings: [Encoding], batchSize: Int, seed: UInt64) -> Int {
        let perEpoch = (encodings.count + batchSize - 1) / batchSize
        var total = 0
        for epoch in 0..<((steps + perEpoch - 1) / perEpoch) {
            let order = Self.order(count: encodings.count, seed: seed, epoch: epoch)
            let taken = min(steps - epoch * perEpoch, perEpoch) * batchSize
            for i in order.prefix(taken) { total += encodings[i].inputIds.count }
        }
        return total
    }

    /// A named evaluation set (e.g. MNLI's `dev_matched` and `dev_mismatched`).
    public struct EvalSet: Sendable {
        public var name: String
        public var examples: [Example]
        public init(name: String, examples: [Example]) { self.name = name; self.examples = examples }
    }

    /// Trains on `train`, evaluating on `dev` every `evalSteps` and at the end. `checkpoint` (if set)
    /// is called after each evaluation so the caller can persist a resumable state.
    public func train(_ train: [Example], dev: [Example], observer: (TrainingEvent) -> Void = { _ in },
                      checkpoint: ((FineTuner) throws -> Void)? = nil) throws -> TrainingResult {
        try self.train(train, evalSets: [EvalSet(name: "dev", examples: dev)], observer: observer, checkpoint: checkpoint)
    }

    /// Like `train(_:dev:)`, evaluating on every set of `evalSets` at each evaluation. The first set is the
    /// primary one: its metrics are the entry's `eval` and it drives collapse detection. With more than one
    /// set, each entry's `evals` holds every set's metrics by name.
    /// `max_train_samples` and `max_eval_samples` are applied here.
    public func train(_ train: [Example], evalSets: [EvalSet], observer: (TrainingEvent) -> Void = { _ in },
                      checkpoint: ((FineTuner) throws -> Void)? = nil) throws -> TrainingResult {
        let train = config.trainLimited(train)
        let evalSets = evalSets.map { EvalSet(name: $0.name, examples: config.evalLimited($0.examples)) }
        guard !train.isEmpty else { throw RuntimeError("the training set is empty; give it examples") }
        if case .classification(let labels) = kind, labels.count < 2 {
            throw RuntimeError("classification needs at least two classes, got \(labels.count); use regression for a single numeric target")
        }
        // The loss kernel reads the logit of each label unchecked: a label must be one of the head's classes.
        if case .classification = kind, let bad = train.firstIndex(where: { !(0..<model.numLabels).contains($0.label) }) {
            throw RuntimeError("training example \(bad + 1) has label \(train[bad].label), but the head has classes "
                + "0..<\(model.numLabels); map labels through the task's label list (TSVTable.examples does)")
        }
        guard !evalSets.isEmpty else { throw RuntimeError("no evaluation set was given; pass at least one") }
        // With no examples the metrics would be empty or made up, and the run would still say "completed".
        if let empty = evalSets.first(where: { $0.examples.isEmpty }) {
            throw RuntimeError("the evaluation set '\(empty.name)' has no examples, so there is nothing to score; give it examples")
        }
        let names = evalSets.map(\.name)
        guard Set(names).count == names.count else {
            throw RuntimeError("evaluation set names must be unique, got \(names.joined(separator: ", ")); rename the duplicates")
        }
        let trainEnc = encode(train), devEncs = evalSets.map { encode($0.examples) }
        let B = config.perDeviceTrainBatchSize
        let perEpoch = (train.count + B - 1) / B
        let total = config.totalSteps(trainCount: train.count), warmup = config.warmup(total: total)
        totalSteps = total; stepsPerEpoch = perEpoch; evalExamples = evalSets[0].examples.count
        let rates = config.learningRates(variant: model.variant)
        let start = Date()
        var status = RunStatus.completed, divergedAt: Int?, reason: String?
        // A collapse is a fall back to the majority level after the model had learned something: the
        // first evaluations of every run sit at that level, which is no divergence.
        var constantEvals = 0, hasLearned = false
        // Training losses since the last log entry and since this call started (transformers' `loss` and `train_loss`).
        var sinceLog = (sum: 0.0, steps: 0), thisCall = (sum: 0.0, steps: 0)
        func count(collapsed: Bool) {
            hasLearned = hasLearned || !collapsed
            constantEvals = collapsed && hasLearned ? constantEvals + 1 : 0
        }
        // A resumed run continues the count where the checkpoint left it.
        for entry in history { if let collapsed = entry.collapsed { count(collapsed: collapsed) } }
        let startStep = step
        inputTokensSeen = Self.inputTokens(steps: min(step, total), encodings: trainEnc, batchSize: B, seed: config.seed)
        if step > total {
            throw RuntimeError("\(resumedFrom?.path ?? "the resumed state"): global_step \(step) is beyond this run's \(total) "
                + "steps (max_steps, or num_train_epochs over \(train.count) training examples); resume with the options "
                + "and data the run was started with, or delete the checkpoint folder to start over")
        }
        while step < total {
            let idx = Self.batch(step: step, count: train.count, batchSize: B, seed: config.seed)
            let batch = try model.pack(idx.map { (trainEnc[$0].inputIds, trainEnc[$0].tokenTypeIds) }, numbers: idx)
            let factor = config.schedule.factor(step: step, warmup: warmup, total: total)
            let (loss, norm) = trainStep(batch, targets: targets(train, idx), factor: factor)
            guard loss.isFinite, norm.isFinite else {
                status = .diverged; divergedAt = step + 1
                reason = loss.isFinite ? "the gradient norm became \(norm) at step \(step + 1)" : "training loss became \(loss) at step \(step + 1)"
                observer(.diverged(step: step + 1, reason: reason!))
                break
            }
            step += 1
            inputTokensSeen += batch.tokenCount
            sinceLog.sum += Double(loss); sinceLog.steps += 1
            thisCall.sum += Double(loss); thisCall.steps += 1
            observer(.step(step: step, total: total, loss: loss))
            let evalNow = step == total || (config.evalSteps.map { step % $0 == 0 } ?? false)
            var savedNow = false
            if evalNow {
                var (entry, predictions) = try evaluationEntry(evalSets: evalSets, encodings: devEncs, loss: loss,
                                                           lr: rates[.encoder].map { $0 * factor },
                                                           gradNorm: norm, epoch: Double(step) / Double(perEpoch))
                entry.meanLoss = sinceLog.sum / Double(sinceLog.steps)
                sinceLog = (0, 0)
                let collapsed = isCollapsed(predictions, evalSets[0].examples)
                entry.collapsed = collapsed
                history.append(entry)
                observer(.evaluation(entry))
                if let checkpoint { try checkpoint(self); savedNow = true }
                count(collapsed: collapsed)
                if let patience = config.collapsePatience, constantEvals >= patience {
                    status = .diverged; divergedAt = step
                    reason = "dev predictions on '\(evalSets[0].name)' collapsed back (to a single class, or no better than the majority class) for \(constantEvals) evaluations in a row"
                    observer(.diverged(step: step, reason: reason!))
                    break
                }
            }
            // A stop request (SIGTERM before Slurm kills the task) ends the run between two steps, with a
            // checkpoint when the caller keeps one, so a rerun continues from exactly here.
            if StopRequest.isRequested && step < total {
                if let checkpoint, !savedNow { try checkpoint(self); savedNow = true }
                try StopRequest.check("training step \(step) of \(total)" + (savedNow ? " (checkpoint saved)" : " (no checkpoint: the job reruns)"))
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let finalEval = history.last?.eval ?? [:]
        return TrainingResult(status: status, divergedAtStep: divergedAt, divergenceReason: reason, steps: step,
                              finalEval: finalEval, logHistory: history, trainSeconds: seconds,
                              examplesPerSecond: Double((step - startStep) * B) / max(seconds, 1e-9),
                              stepsRun: thisCall.steps, meanLoss: thisCall.steps > 0 ? thisCall.sum / Double(thisCall.steps) : nil)
    }

    /// One optimisation step on `batch`: training-mode forward, loss, backward, clipping, AdamW at
    /// `factor` × the peak learning rates. Returns the loss and the gradient norm before clipping; a
    /// non-finite loss or gradient norm (NaN or infinite weights or gradients) leaves the parameters untouched,
    /// and `train` ends the run as diverged.
    public func trainStep(_ batch: PackedBatch, targets: Targets, factor: Float) -> (loss: Float, gradNorm: Float) {
        let rates = config.learningRates(variant: model.variant)
        let trainable = Set(rates.keys)
        let pHidden = config.hiddenDropout ?? Float(model.config.hiddenDropoutProb)
        let pAttention = config.attentionDropout ?? Float(model.config.attentionProbsDropoutProb)
        hook?.prepareStep(step, total: max(totalSteps, step + 1), model: model)
        model.forwardEncoder(batch, acts, dropout: (pHidden, pAttention), rng: &rng)
        model.forwardHead(batch, acts, head, dropout: pHidden, rng: &rng)
        if dlogits.count < batch.count * model.numLabels { dlogits = [Float](repeating: 0, count: batch.count * model.numLabels) }
        let loss = dlogits.withUnsafeMutableBufferPointer { model.loss(head, targets, dlogits: $0.baseAddress) }
        guard loss.isFinite else { return (loss, .nan) }
        // Only what backward writes needs clearing: frozen groups (e.g. pruning's 11.7M embedding
        // weights) are neither written nor read.
        for t in model.layout.tensors where trainable.contains(t.group) {
            let g = gradients[t.offset]
            Compute.parallelRanges(t.count, grain: 1 << 16) { r in (g + r.lowerBound).update(repeating: 0, count: r.count) }
        }
        dlogits.withUnsafeBufferPointer {
            model.backward(batch, acts, head, dlogits: $0.baseAddress!, grads: gradients, scratch: scratch, trainable: trainable)
        }
        let penalty = hook?.afterBackward(step, total: max(totalSteps, step + 1), model: model, gradients: gradients) ?? 0
        let norm = GradientClipping.clip(gradients, layout: model.layout, groups: trainable, maxNorm: config.maxGradNorm)
        guard norm.isFinite else { return (loss + penalty, norm) }
        optimizer.update(parameters: model.parameters, gradients: gradients, learningRates: rates.mapValues { $0 * factor })
        return (loss + penalty, norm)
    }

    private var dlogits: [Float] = []

    private func evaluationEntry(evalSets: [EvalSet], encodings: [[Encoding]], loss: Float, lr: Float?, gradNorm: Float,
                                 epoch: Double) throws -> (LogEntry, Predictions) {
        var all: [String: [String: Double]] = [:], primary = Predictions(classes: [], values: [], logits: [])
        var primarySeconds = 0.0
        for (i, set) in evalSets.enumerated() {
            let start = Date()
            let preds = try predict(encodings[i])
            if !set.examples.isEmpty { all[set.name] = metrics(preds, set.examples) }
            if i == 0 { primary = preds; primarySeconds = Date().timeIntervalSince(start) }
        }
        let dev = evalSets[0]
        var entry = LogEntry(step: step, epoch: epoch, examplesSeen: step * config.perDeviceTrainBatchSize,
                             loss: loss, learningRate: lr, gradNorm: gradNorm,
                             eval: all[dev.name], evalLoss: primary.meanLoss(dev.examples, kind: kind), evalSeconds: primarySeconds)
        if evalSets.count > 1 { entry.evals = all }
        if let hook { entry.extra = hook.logFields(model: model) }
        if let w = model.layout.mixWeights, let g = model.layout.mixGamma {
            entry.mixWeights = ScalarMix.normalizedWeights(model.p(w), count: model.mixLayers.count)
            entry.mixGamma = model.p(g)[0]
        }
        return (entry, primary)
    }

    /// Evaluation-mode predictions, in input order (batches are built by length internally).
    public func predict(_ encodings: [Encoding]) throws -> Predictions {
        let C = model.numLabels
        var logits = [Float](repeating: 0, count: encodings.count * C)
        let order = encodings.indices.sorted { encodings[$0].inputIds.count < encodings[$1].inputIds.count }
        var unused = SeededRandom(seed: 0)
        hook?.prepareEvaluation(model: model)
        for s in stride(from: 0, to: order.count, by: config.perDeviceEvalBatchSize) {
            let idx = Array(order[s..<min(s + config.perDeviceEvalBatchSize, order.count)])
            let batch = try model.pack(idx.map { (encodings[$0].inputIds, encodings[$0].tokenTypeIds) }, numbers: idx)
            model.forwardEncoder(batch, acts)
            let out = model.forwardHead(batch, acts, head, dropout: nil, rng: &unused)
            for (j, i) in idx.enumerated() { for c in 0..<C { logits[i * C + c] = out[j * C + c] } }
        }
        var p = Predictions(classes: [], values: [], logits: logits)
        if C == 1 { p.values = logits } else {
            p.classes = (0..<encodings.count).map { i in
                var best = 0
                for c in 1..<C where logits[i * C + c] > logits[i * C + best] { best = c }
                return best
            }
        }
        return p
    }

    public func predict(_ examples: [Example]) throws -> Predictions { try predict(encode(examples)) }

    /// Restores the optimizer step, RNG and log (used by checkpoint resume); `state` is the file they came from.
    func restore(step: Int, rng: SeededRandom, history: [LogEntry], from state: URL) {
        self.step = step; self.rng = rng; self.history = history; resumedFrom = state
        optimizer.restore(step: step)
    }

    /// The trainer_state.json this run resumed from, for messages.
    private var resumedFrom: URL?
}
