import BermoRuntime
import Foundation

/// Options of a pruning run besides the method and the threshold schedule.
public struct PruningOptions: Codable, Sendable, Equatable {
    /// Learning rate of the scores; nil = the method's default (1e-2 movement and soft movement, 1e-1 L0).
    public var scoreLearningRate: Float? = nil
    /// The scores follow the model's learning-rate schedule (emmental's scheduler drives every group).
    public var learningRateSchedule: LearningRateSchedule = .linear
    /// Learning-rate warm-up steps; nil = the threshold schedule's `warmupSteps` (emmental uses one value).
    public var learningRateWarmupSteps: Int? = nil
    /// Clip the model's gradients and the scores' gradients by one global norm, as emmental's
    /// `clip_grad_norm_(model.parameters())` does (scores are parameters there). Pass the fine-tuning
    /// `max_grad_norm`; nil leaves score gradients unclipped and the trainer clips the model alone.
    public var maxGradNorm: Float? = 1
    /// Parameter groups whose gradients enter that norm (the trainer's trainable groups); nil = all.
    public var trainableGroups: [ParameterLayout.Group]? = nil
    /// Rank all matrices together instead of each one (top-k methods only; emmental `--global_topk`).
    public var globalTopK = false
    /// Steps between recomputations of the global cut (emmental `--global_topk_frequency_compute`, 25);
    /// in between, entries at or above the last cut are kept.
    public var globalTopKInterval = 25
    /// Seed of L0's noise; nil = the fine-tuning seed (42 when built without one).
    public var seed: UInt64? = nil
    /// Which threshold evaluation uses: the current step's (default; the logged sparsity is then the one
    /// evaluated) or the final one (what emmental's `evaluate` passes during training).
    public var evaluationThreshold: EvaluationThreshold = .current

    public enum EvaluationThreshold: String, Codable, Sendable, SettingChoice { case current, final }

    public init() {}
}

/// Drives one pruning method through a fine-tuning run: attach it as the `FineTuner`'s `hook`.
///
/// Before each step it computes the threshold of the cubic schedule, builds every masked matrix's mask
/// from the weights and scores, and installs the effective weights `W' = M ⊙ W` in the model (the dense
/// weights keep training). After the backward pass it turns `∂L/∂W'` into `∂L/∂W = ∂L/∂W' ⊙ M`, computes
/// the score gradients and the penalty, clips model and score gradients jointly, and updates the scores
/// with their own AdamW. Before evaluation it installs the deterministic masks; `logFields` reports the
/// remaining weights, threshold, lambda and penalty.
public final class PruningSchedule: TrainingHook {
    /// A masked matrix: where it lives in the model and in the schedule's own buffers.
    public struct Matrix: Sendable, Equatable {
        public let name: String
        /// Offset of the matrix in the model's parameter (and gradient) buffer.
        public let parameterOffset: Int
        public let rows: Int, cols: Int
        /// Offset in the schedule's buffers (scores, masks), which hold the matrices back to back.
        public let start: Int
        public var count: Int { rows * cols }
    }

    public let model: BertModel
    public let method: any PruningMethod
    public let schedule: CubicSchedule
    public let options: PruningOptions
    public let matrices: [Matrix]
    /// Total entries of the masked matrices.
    public let maskedCount: Int
    public let scoreLearningRate: Float

    /// Scores `S`, masks `M`, `∂M/∂S` and `∂L/∂S`, each the masked matrices back to back.
    public let scores: ParameterBuffer?
    public let masks: ParameterBuffer
    let maskGrads: ParameterBuffer?
    let scoreGrads: ParameterBuffer?
    public let optimizer: ScoreOptimizer?
    /// The effective weights installed in the model (parameters' layout; only the masked matrices are used).
    let effective: ParameterBuffer

    /// Threshold and lambda of the last prepared step (step 0's before the first).
    public private(set) var threshold: Double
    public private(set) var lambda: Double
    /// The penalty `R` (before lambda) and the joint gradient norm of the last step.
    public private(set) var lastPenalty: Double = 0
    public private(set) var lastGradNorm: Double = 0
    /// Things the schedule noticed but did not fail on (e.g. a trainer whose run length differs).
    public private(set) var warnings: [String] = []

    private enum MaskState: Equatable { case none, training(Int), evaluation(Double) }
    private var maskState = MaskState.none
    private var globalCutKey: UInt32?
    private var globalKeys: UnsafeMutablePointer<UInt32>?
    private let workers: [(keys: UnsafeMutablePointer<UInt32>, scratch: TopKSelection.Scratch)]
    private let partition: [Range<Int>]
    private var baked = false

    /// - Parameters:
    ///   - method: how masks are built (`MagnitudePruning`, `MovementPruning`, `SoftMovementPruning`,
    ///     `L0Pruning`, or your own `PruningMethod`).
    ///   - model: the model being fine-tuned; its effective weights are installed here.
    ///   - schedule: the cubic threshold schedule of this run (validated here, against its run length).
    public init(method: any PruningMethod, model: BertModel, schedule: CubicSchedule,
                options: PruningOptions = PruningOptions()) throws {
        try schedule.validate()
        try method.validate(schedule)
        if options.globalTopK, method.topKKey == nil {
            throw SettingError("global_topk", "applies to top-k methods (magnitude, movement); \(method.name) thresholds each matrix on its own, so leave global_topk off")
        }
        guard options.globalTopKInterval >= 1 else {
            throw SettingError("global_topk_frequency_compute", "is \(options.globalTopKInterval); use 1 or more (emmental's default is 25)")
        }
        if let lr = options.scoreLearningRate, !(lr >= 0 && lr.isFinite) {
            throw SettingError("mask_scores_learning_rate", "is \(lr); use a finite value of 0 or more (1e-2 for movement, 1e-1 for L0)")
        }
        if let g = options.maxGradNorm, !(g > 0) {
            throw SettingError("max_grad_norm", "is \(g); use a positive norm or leave it unset for no joint clipping")
        }
        self.model = model; self.method = method; self.schedule = schedule; self.options = options
        var start = 0
        matrices = model.prunableMatrices.map { m in
            defer { start += m.rows * m.cols }
            return Matrix(name: m.name, parameterOffset: m.offset, rows: m.rows, cols: m.cols, start: start)
        }
        maskedCount = start
        scoreLearningRate = options.scoreLearningRate ?? method.defaultScoreLearningRate
        if let s0 = method.initialScore {
            let s = ParameterBuffer(count: maskedCount, zeroed: false)
            s.base.initialize(repeating: s0, count: maskedCount)
            scores = s
            scoreGrads = ParameterBuffer(count: maskedCount)
            optimizer = ScoreOptimizer(count: maskedCount)
        } else {
            scores = nil; scoreGrads = nil; optimizer = nil
        }
        masks = ParameterBuffer(count: maskedCount)
        maskGrads = method.hasDifferentiableMask ? ParameterBuffer(count: maskedCount) : nil
        effective = ParameterBuffer(count: model.layout.total)
        threshold = schedule.threshold(at: 0)
        lambda = schedule.lambda(at: 0)

        // Contiguous runs of matrices with about equal element counts, one per worker.
        let n = max(1, min(Compute.threads, matrices.count))
        var parts: [Range<Int>] = [], lo = 0, acc = 0
        for (i, m) in matrices.enumerated() {
            acc += m.count
            if acc * n >= maskedCount * (parts.count + 1) || i == matrices.count - 1 {
                parts.append(lo..<(i + 1)); lo = i + 1
            }
        }
        partition = parts.filter { !$0.isEmpty }
        let largest = matrices.map(\.count).max() ?? 0
        workers = partition.map { _ in (UnsafeMutablePointer<UInt32>.allocate(capacity: max(largest, 1)), TopKSelection.Scratch()) }

        refreshMasks(.evaluation, threshold: evaluationThreshold)
        model.setEffectiveWeights(effective)
    }

    /// Builds the schedule from fine-tuning settings, as emmental ties them together: the run length
    /// (`max_steps` or epochs over `trainCount` examples), the warm-up (`warmup_steps`/`warmup_ratio`) as
    /// the unit of both pruning warm-ups and of the scores' learning-rate warm-up, the learning-rate
    /// schedule, `max_grad_norm` for joint clipping and the trainable groups.
    public convenience init(method: any PruningMethod, model: BertModel, fineTune: FineTuneConfig, trainCount: Int,
                            initialThreshold: Double? = nil, finalThreshold: Double,
                            initialWarmup: Int = 1, finalWarmup: Int = 2, finalLambda: Double = 0,
                            options: PruningOptions = PruningOptions()) throws {
        let total = fineTune.totalSteps(trainCount: trainCount)
        let warmup = fineTune.warmup(total: total)
        let initial = initialThreshold ?? (method.thresholdMeaning == .sigmoidCut ? 0 : 1)
        let s = CubicSchedule(initialThreshold: initial, finalThreshold: finalThreshold, initialWarmup: initialWarmup,
                              finalWarmup: finalWarmup, warmupSteps: warmup, totalSteps: total, finalLambda: finalLambda)
        var o = options
        o.learningRateSchedule = fineTune.schedule
        o.learningRateWarmupSteps = warmup
        o.maxGradNorm = fineTune.maxGradNorm > 0 ? fineTune.maxGradNorm : nil
        o.trainableGroups = ParameterLayout.Group.allCases.filter { fineTune.learningRates(variant: model.variant)[$0] != nil }
        o.seed = options.seed ?? fineTune.seed
        try self.init(method: method, model: model, schedule: s, options: o)
    }

    deinit {
        for w in workers { w.keys.deallocate() }
        globalKeys?.deallocate()
    }

    /// The threshold evaluation uses (see `PruningOptions.evaluationThreshold`).
    public var evaluationThreshold: Double {
        options.evaluationThreshold == .final ? schedule.finalThreshold : threshold
    }

    // MARK: TrainingHook

    public func prepareStep(_ step: Int, total: Int, model: BertModel) {
        check(model)
        if total != schedule.totalSteps, total != step + 1, !warnings.contains(where: { $0.hasPrefix("run length") }) {
            warnings.append("run length: the trainer runs \(total) steps but the pruning schedule was built for \(schedule.totalSteps); the schedule follows its own length")
        }
        threshold = schedule.threshold(at: step)
        lambda = schedule.lambda(at: step)
        refreshMasks(.training(step: step), threshold: threshold)
    }

    public func afterBackward(_ step: Int, total: Int, model: BertModel, gradients: ParameterBuffer) -> Float {
        check(model)
        let K = Double(matrices.count)
        let lam = Float(lambda)
        var penalties = [Double](repeating: 0, count: matrices.count)
        var scoreSquares = [Double](repeating: 0, count: matrices.count)
        let hasScores = scores != nil, wantPenalty = method.hasPenalty
        penalties.withUnsafeMutableBufferPointer { pen in
            scoreSquares.withUnsafeMutableBufferPointer { sq in
                forEachMatrix { i, _, _ in
                    let mm = self.matrices[i], view = self.view(i)
                    let g = gradients[mm.parameterOffset], n = mm.count
                    if hasScores {
                        let ds = self.scoreGrads!.base + mm.start
                        self.method.scoreGradient(view, dEffective: g, into: ds)
                        if wantPenalty {
                            let scale = lam / Float(K * Double(n))
                            pen[i] = self.method.penaltySum(view, gradientScale: scale, into: lam != 0 ? ds : nil) / Double(n)
                        }
                        sq[i] = Reductions.blockedSumOfSquares(ds, count: n)
                    }
                    let mask = view.mask
                    for j in 0..<n { g[j] *= mask[j] }
                }
            }
        }
        lastPenalty = penalties.reduce(0, +) / K
        if let optimizer, let scores, let scoreGrads {
            // Joint clipping of weights and scores (emmental), with the trainer's clipping pieces.
            let groups = Set(options.trainableGroups ?? ParameterLayout.Group.allCases)
            let norm = (scoreSquares.reduce(0, +) + GradientClipping.squaredNorm(gradients, layout: model.layout, groups: groups)).squareRoot()
            lastGradNorm = norm
            if let maxNorm = options.maxGradNorm, norm.isFinite, norm > Double(maxNorm) {
                let scale = Float(Double(maxNorm) / (norm + 1e-6))
                GradientClipping.scale(gradients, layout: model.layout, groups: groups, by: scale)
                GradientClipping.scale(scoreGrads.base, count: maskedCount, by: scale)
            }
            let warm = options.learningRateWarmupSteps ?? schedule.warmupSteps
            let factor = options.learningRateSchedule.factor(step: step, warmup: warm, total: schedule.totalSteps)
            optimizer.update(scores: scores.base, gradients: scoreGrads.base, lr: scoreLearningRate * factor)
        }
        return Float(lambda * lastPenalty)
    }

    public func prepareEvaluation(model: BertModel) {
        check(model)
        refreshMasks(.evaluation, threshold: evaluationThreshold)
    }

    public func logFields(model: BertModel) -> [String: Double] {
        let r = report()
        var fields: [String: Double] = [
            "remaining_weights": r.remainingFraction,
            "sparsity": r.sparsity,
            "remaining_encoder_weights": r.encoderRemainingFraction,
            "threshold": threshold,
            "lambda": lambda,
        ]
        if method.hasPenalty { fields["regularization"] = lastPenalty }
        if scores != nil { fields["grad_norm_with_scores"] = lastGradNorm }
        return fields
    }

    // MARK: Accounting, export

    /// Remaining weights under the evaluation masks (deterministic; at `evaluationThreshold`).
    public func report() -> SparsityReport {
        ensureEvaluationMasks()
        let counts = matrices.map { m -> SparsityReport.Matrix in
            let p = masks.base + m.start
            var kept = 0
            for i in 0..<m.count where p[i] > 0 { kept += 1 }
            return SparsityReport.Matrix(name: m.name, total: m.count, remaining: kept)
        }
        return SparsityReport(matrices: counts, encoderUnprunedParameters: SparsityReport.unprunedEncoderParameters(model))
    }

    /// The model's parameters with every masked matrix replaced by `M ⊙ W` under the evaluation masks
    /// (for L0 the mask is continuous, as emmental's `bertarize.py` multiplies it).
    public func prunedParameters() -> ParameterBuffer {
        ensureEvaluationMasks()
        let out = ParameterBuffer(count: model.layout.total, zeroed: false)
        out.copy(from: model.parameters)
        for m in matrices {
            let w = out[m.parameterOffset], mask = masks.base + m.start
            for i in 0..<m.count { w[i] *= mask[i] }
        }
        return out
    }

    /// Writes the pruned model as a standard Hugging Face directory (like `bertarize.py`): zeros where
    /// masked, everything else as trained, loadable by `BertModel.load` and by transformers. `config.json`
    /// gains a `pruning` section recording the method, threshold and remaining weights.
    public func export(to directory: URL, sourceDirectory: URL, kind: TaskKind?) throws {
        let params = prunedParameters()
        try ModelCheckpoint.save(model, sourceDirectory: sourceDirectory, kind: kind, to: directory, parameters: params)
        let r = report()
        let url = directory.appendingPathComponent("config.json")
        var config = (try JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any] ?? [:]
        config["pruning"] = ["method": method.name, "threshold": evaluationThreshold,
                             "remaining_weights": r.remainingFraction,
                             "remaining_encoder_weights": r.encoderRemainingFraction] as [String: Any]
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(json, to: url)
    }

    /// Ends pruning: writes `M ⊙ W` (evaluation masks) into the model's own parameters and removes the
    /// effective weights, so the model is an ordinary (sparse) model again, e.g. for `SparseInference`.
    /// The schedule must not be used afterwards.
    public func bakeMasks() {
        let p = prunedParameters()
        model.parameters.copy(from: p)
        model.setEffectiveWeights(nil)
        baked = true
    }

    // MARK: Resumable state

    /// Writes what a resumed run needs besides the trainer checkpoint (`pruning.safetensors` in
    /// `directory`): the scores and their AdamW moments and step, and the global top-k cut. Call it from
    /// `FineTuner.train`'s `checkpoint` closure after `TrainerCheckpoint.save`.
    public func saveState(to directory: URL) throws {
        let n = maskedCount
        var tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)] = []
        var metadata = ["method": method.name]
        if let scores, let optimizer {
            tensors = [("scores", [n], UnsafeBufferPointer(start: scores.base, count: n)),
                       ("adam.m", [n], UnsafeBufferPointer(start: optimizer.m.base, count: n)),
                       ("adam.v", [n], UnsafeBufferPointer(start: optimizer.v.base, count: n))]
            metadata["adam_step"] = String(optimizer.step)
        }
        if let cut = globalCutKey { metadata["global_cut"] = String(cut) }
        try SafetensorsWriter.write(tensors, metadata: metadata, to: directory.appendingPathComponent("pruning.safetensors"))
    }

    /// Restores what `saveState` wrote (same model shape and method), after `TrainerCheckpoint.resume`.
    public func restoreState(from directory: URL) throws {
        let url = directory.appendingPathComponent("pruning.safetensors")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SettingError("method", "\(url.path) is missing: this checkpoint was written without the pruning state; start over in a new output directory")
        }
        let file = try SafetensorsFile(contentsOf: url)
        guard file.metadata["method"] == method.name else {
            throw SettingError("method", "\(url.path) holds the state of '\(file.metadata["method"] ?? "?")', not '\(method.name)'; resume with the same method or start over in a new output directory")
        }
        if let scores, let optimizer {
            guard let step = file.metadata["adam_step"].flatMap(Int.init), step >= 0 else {
                throw SettingError("method", "\(url.path) has no valid adam_step (a step count ≥ 0); it was not written by saveState — start over in a new output directory")
            }
            try file.copyFloats("scores", into: scores.base, count: maskedCount)
            try file.copyFloats("adam.m", into: optimizer.m.base, count: maskedCount)
            try file.copyFloats("adam.v", into: optimizer.v.base, count: maskedCount)
            optimizer.restore(step: step)
        }
        globalCutKey = file.metadata["global_cut"].flatMap(UInt32.init)
        maskState = .none
        refreshMasks(.evaluation, threshold: evaluationThreshold)
    }

    // MARK: Masks

    func view(_ i: Int) -> MaskedMatrix {
        let m = matrices[i]
        return MaskedMatrix(index: i, name: m.name, rows: m.rows, cols: m.cols,
                            weights: model.parameters[m.parameterOffset], scores: scores.map { $0.base + m.start },
                            mask: masks.base + m.start, maskGrad: maskGrads.map { $0.base + m.start })
    }

    private func check(_ model: BertModel) {
        // API misuse by code, unreachable from input.
        precondition(model === self.model, "this PruningSchedule was built for another BertModel; build one per model")
        precondition(!baked, "bakeMasks() ended this PruningSchedule; build a new one to prune again")
    }

    private func ensureEvaluationMasks() {
        if maskState != .evaluation(evaluationThreshold) { refreshMasks(.evaluation, threshold: evaluationThreshold) }
    }

    /// Runs `body(matrixIndex, keys, scratch)` for every matrix, one contiguous run per worker.
    private func forEachMatrix(_ body: (Int, UnsafeMutablePointer<UInt32>, TopKSelection.Scratch) -> Void) {
        Compute.parallel(partition.count) { w in
            for i in self.partition[w] { body(i, self.workers[w].keys, self.workers[w].scratch) }
        }
    }

    /// Fills every mask for `mode` at `threshold` and the effective weights `M ⊙ W`.
    func refreshMasks(_ mode: MaskMode, threshold v: Double) {
        let step: Int
        switch mode {
        case .training(let s): step = s
        case .evaluation: step = -1
        }
        if options.globalTopK, let key = method.topKKey, v < 1 {
            // Training reuses its cut between recomputations; evaluation always cuts afresh and leaves
            // the training cut alone.
            let evaluation = mode == .evaluation
            globalMasks(key: key, fraction: v, recompute: evaluation || globalCutKey == nil
                        || step % options.globalTopKInterval == 0, store: !evaluation)
        } else {
            if options.globalTopK, mode != .evaluation { globalCutKey = nil }
            forEachMatrix { i, keys, scratch in
                let ctx = MaskContext(threshold: v, mode: mode, seed: self.options.seed ?? 42, keys: keys, scratch: scratch)
                self.method.fillMask(self.view(i), ctx)
            }
        }
        forEachMatrix { i, _, _ in
            let m = self.matrices[i]
            let w = self.model.parameters[m.parameterOffset], e = self.effective[m.parameterOffset], mask = self.masks.base + m.start
            for j in 0..<m.count { e[j] = mask[j] * w[j] }
        }
        switch mode {
        case .training(let s): maskState = .training(s)
        case .evaluation: maskState = .evaluation(v)
        }
    }

    /// Global top-k over all matrices (ties by matrix order, then index), then emmental's per-matrix
    /// floor of `int(0.005·n) + 1` kept entries.
    private func globalMasks(key: TopKKey, fraction: Double, recompute: Bool, store: Bool) {
        if globalKeys == nil { globalKeys = .allocate(capacity: maskedCount) }
        let keys = globalKeys!
        forEachMatrix { i, _, _ in TopKMasking.writeKeys(self.view(i), key: key, into: keys + self.matrices[i].start) }
        if recompute {
            let k = TopKSelection.keptCount(fraction: fraction, count: maskedCount)
            let parts = matrices.map { UnsafeBufferPointer(start: keys + $0.start, count: $0.count) }
            if k <= 0 {
                masks.zero()
                if store { globalCutKey = UInt32.max }
            } else {
                let cut = TopKSelection.cut(parts, keep: k, scratch: workers[0].scratch)
                var seen = 0
                for (i, m) in matrices.enumerated() {
                    seen = TopKSelection.apply(cut, mask: masks.base + m.start, keys: parts[i], tiesSeen: seen)
                }
                if store { globalCutKey = cut.key }
            }
        } else {
            let t = globalCutKey!
            forEachMatrix { i, _, _ in
                let m = self.matrices[i], mask = self.masks.base + m.start, k = keys + m.start
                for j in 0..<m.count { mask[j] = k[j] >= t ? 1 : 0 }
            }
        }
        forEachMatrix { i, _, scratch in
            let m = self.matrices[i], mask = self.masks.base + m.start
            var kept = 0
            for j in 0..<m.count where mask[j] != 0 { kept += 1 }
            let floor = SoftMovementPruning.minimumKept(m.count)
            if kept < floor {
                TopKSelection.mask(mask, keys: UnsafeBufferPointer(start: keys + m.start, count: m.count), keep: floor, scratch: scratch)
            }
        }
    }
}
