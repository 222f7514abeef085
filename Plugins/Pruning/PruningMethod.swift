import BermoRuntime

/// What the scheduled threshold means to a method.
public enum ThresholdMeaning: String, Sendable, Codable {
    /// Fraction of each matrix's weights kept (top-k methods: 1 → e.g. 0.1).
    case keptFraction = "kept_fraction"
    /// τ in `sigmoid(S) > τ` (soft movement: 0 → e.g. 0.1).
    case sigmoidCut = "sigmoid_cut"
    /// Not read (L0: only `lambda_t` uses the schedule).
    case unused
}

/// What a top-k method ranks.
public enum TopKKey: String, Sendable, Codable { case scores, magnitude }

/// Whether a mask is built for a training step (stochastic methods draw noise) or for evaluation.
public enum MaskMode: Sendable, Equatable {
    case training(step: Int)
    case evaluation
}

/// One masked matrix, as the schedule hands it to a method: the dense weights `W` (the model's own
/// parameters), the method's scores `S` (if it has any), the mask `M` to fill, and where a differentiable
/// mask stores `∂M/∂S`. `[rows, cols]` row-major, Hugging Face layout.
public struct MaskedMatrix {
    public let index: Int
    public let name: String
    public let rows: Int, cols: Int
    public var count: Int { rows * cols }
    public let weights: UnsafeMutablePointer<Float>
    public let scores: UnsafeMutablePointer<Float>?
    public let mask: UnsafeMutablePointer<Float>
    public let maskGrad: UnsafeMutablePointer<Float>?

    public init(index: Int, name: String, rows: Int, cols: Int, weights: UnsafeMutablePointer<Float>,
                scores: UnsafeMutablePointer<Float>?, mask: UnsafeMutablePointer<Float>,
                maskGrad: UnsafeMutablePointer<Float>?) {
        self.index = index; self.name = name; self.rows = rows; self.cols = cols
        self.weights = weights; self.scores = scores; self.mask = mask; self.maskGrad = maskGrad
    }
}

/// Everything a mask needs besides the matrix: the scheduled threshold, the mode, the run's seed and
/// per-worker scratch (a key buffer at least as long as the matrix, and a histogram).
public struct MaskContext {
    public let threshold: Double
    public let mode: MaskMode
    public let seed: UInt64
    public let keys: UnsafeMutablePointer<UInt32>
    public let scratch: TopKSelection.Scratch

    public init(threshold: Double, mode: MaskMode, seed: UInt64, keys: UnsafeMutablePointer<UInt32>,
                scratch: TopKSelection.Scratch) {
        self.threshold = threshold; self.mode = mode; self.seed = seed; self.keys = keys; self.scratch = scratch
    }
}

/// A way of pruning the encoder's linear layers, plugged into `PruningSchedule`. The schedule owns the
/// buffers, the threshold schedule, the scores' optimizer and the bookkeeping; a method says how a mask
/// is built from weights and scores, how `∂L/∂S` follows from `∂L/∂W'`, and what penalty it adds.
///
/// Every method gets `∂L/∂W = ∂L/∂W' ⊙ M` from the schedule (the mask's own dependence on `W` is not
/// differentiated, as in emmental, where magnitude's mask is built by index assignment).
public protocol PruningMethod: Sendable {
    /// Short name used in logs, errors and exported configs (`magnitude`, `movement`, `soft_movement`, `l0`).
    var name: String { get }
    var thresholdMeaning: ThresholdMeaning { get }
    /// For top-k methods, what they rank (lets the schedule run a global top-k instead); nil otherwise.
    var topKKey: TopKKey? { get }
    /// Initial value of every score (emmental's `mask_init constant`, `mask_scale`); nil = no scores.
    var initialScore: Float? { get }
    /// Learning rate of the scores when the caller sets none.
    var defaultScoreLearningRate: Float { get }
    /// True when the mask is a differentiable function of the scores (`maskGrad` is then allocated and
    /// must be filled in training mode).
    var hasDifferentiableMask: Bool { get }
    /// True when the method adds a penalty on its scores.
    var hasPenalty: Bool { get }
    /// Rejects schedules the method cannot use (e.g. a kept fraction above 1).
    func validate(_ schedule: CubicSchedule) throws
    /// Fills `m.mask` (and, for a differentiable mask in training, `m.maskGrad`).
    func fillMask(_ m: MaskedMatrix, _ context: MaskContext)
    /// Writes `∂L/∂S` of one matrix from `∂L/∂W'` (before the schedule multiplies it by the mask).
    func scoreGradient(_ m: MaskedMatrix, dEffective: UnsafePointer<Float>, into dScores: UnsafeMutablePointer<Float>)
    /// The penalty's sum over the matrix (the schedule averages it per matrix and over matrices); when
    /// `into` is given, adds `gradientScale · ∂(sum)/∂S_i` to it.
    func penaltySum(_ m: MaskedMatrix, gradientScale: Float, into dScores: UnsafeMutablePointer<Float>?) -> Double
}

extension PruningMethod {
    public var topKKey: TopKKey? { nil }
    public var initialScore: Float? { nil }
    public var defaultScoreLearningRate: Float { 1e-2 }
    public var hasDifferentiableMask: Bool { false }
    public var hasPenalty: Bool { false }
    public func validate(_ schedule: CubicSchedule) throws {}

    /// Straight-through: `∂L/∂S = ∂L/∂W' ⊙ W` (times `∂M/∂S` when the mask is differentiable).
    public func scoreGradient(_ m: MaskedMatrix, dEffective: UnsafePointer<Float>, into dScores: UnsafeMutablePointer<Float>) {
        let w = m.weights, n = m.count
        if hasDifferentiableMask, let dm = m.maskGrad {
            for i in 0..<n { dScores[i] = dEffective[i] * w[i] * dm[i] }
        } else {
            for i in 0..<n { dScores[i] = dEffective[i] * w[i] }
        }
    }

    public func penaltySum(_ m: MaskedMatrix, gradientScale: Float, into dScores: UnsafeMutablePointer<Float>?) -> Double { 0 }
}

/// Shared by the top-k methods: keep exactly `int(v·n)` entries by their key.
enum TopKMasking {
    static func fill(_ m: MaskedMatrix, _ c: MaskContext, key: TopKKey) {
        let n = m.count
        let k = TopKSelection.keptCount(fraction: c.threshold, count: n)
        if k >= n { m.mask.update(repeating: 1, count: n); return }
        writeKeys(m, key: key, into: c.keys)
        TopKSelection.mask(m.mask, keys: UnsafeBufferPointer(start: c.keys, count: n), keep: k, scratch: c.scratch)
    }

    static func writeKeys(_ m: MaskedMatrix, key: TopKKey, into keys: UnsafeMutablePointer<UInt32>) {
        let n = m.count
        switch key {
        case .magnitude:
            let w = m.weights
            for i in 0..<n { keys[i] = TopKSelection.magnitudeKey(w[i]) }
        case .scores:
            let s = m.scores!
            for i in 0..<n { keys[i] = TopKSelection.key(s[i]) }
        }
    }

    static func validateFractions(_ s: CubicSchedule, method: String) throws {
        for (field, v) in [("initial_threshold", s.initialThreshold), ("final_threshold", s.finalThreshold)] {
            guard v > 0, v <= 1 else {
                throw SettingError(field, "is \(v), but for \(method) the threshold is the fraction of weights kept; use a value in (0, 1] (e.g. initial 1, final 0.1 for 10% remaining)")
            }
        }
    }
}

/// Magnitude pruning (emmental `magnitude`): keep the top-v fraction of `|W|` of each matrix, recomputed
/// from the current weights before every step. No scores; `∂L/∂W = ∂L/∂W' ⊙ M`.
public struct MagnitudePruning: PruningMethod {
    public init() {}
    public var name: String { "magnitude" }
    public var thresholdMeaning: ThresholdMeaning { .keptFraction }
    public var topKKey: TopKKey? { .magnitude }
    public func validate(_ schedule: CubicSchedule) throws { try TopKMasking.validateFractions(schedule, method: name) }
    public func fillMask(_ m: MaskedMatrix, _ context: MaskContext) { TopKMasking.fill(m, context, key: .magnitude) }
}

/// Movement pruning (emmental `topK`): learned scores S, `M = TopK(S, v)`, straight-through
/// `∂L/∂S = ∂L/∂W' ⊙ W`. Scores start at `initialScore` (emmental: constant 0) and train with their own
/// AdamW, learning rate 1e-2, no weight decay.
public struct MovementPruning: PruningMethod {
    public let scoreInit: Float
    public init(initialScore: Float = 0) { scoreInit = initialScore }
    public var name: String { "movement" }
    public var thresholdMeaning: ThresholdMeaning { .keptFraction }
    public var topKKey: TopKKey? { .scores }
    public var initialScore: Float? { scoreInit }
    public func validate(_ schedule: CubicSchedule) throws { try TopKMasking.validateFractions(schedule, method: name) }
    public func fillMask(_ m: MaskedMatrix, _ context: MaskContext) { TopKMasking.fill(m, context, key: .scores) }
}

/// Soft movement pruning (emmental `sigmoied_threshold` + `regularization l1`): `M = 1[sigmoid(S) > τ]`
/// with a straight-through gradient, at least `int(0.005·n) + 1` weights of each matrix kept (the largest
/// scores), and the penalty `lambda_t · mean over matrices of mean(sigmoid(S))`.
public struct SoftMovementPruning: PruningMethod {
    public let scoreInit: Float
    public init(initialScore: Float = 0) { scoreInit = initialScore }
    public var name: String { "soft_movement" }
    public var thresholdMeaning: ThresholdMeaning { .sigmoidCut }
    public var initialScore: Float? { scoreInit }
    public var hasPenalty: Bool { true }

    /// emmental's floor: `int(0.005·n) + 1` entries survive any threshold.
    public static func minimumKept(_ n: Int) -> Int { min(n, Int(0.005 * Double(n)) + 1) }

    public func validate(_ schedule: CubicSchedule) throws {
        for (field, v) in [("initial_threshold", schedule.initialThreshold), ("final_threshold", schedule.finalThreshold)] {
            guard v >= 0, v < 1 else {
                throw SettingError(field, "is \(v), but for soft_movement the threshold is τ in sigmoid(S) > τ; use a value in [0, 1) (emmental: initial 0, final 0.1)")
            }
        }
    }

    public func fillMask(_ m: MaskedMatrix, _ context: MaskContext) {
        let s = m.scores!, mask = m.mask, n = m.count
        ScoreMasks.sigmoidThreshold(mask, scores: s, count: n, tau: Float(context.threshold))
        let kept = Int(Reductions.blockedSum(mask, count: n))
        let floor = Self.minimumKept(n)
        if kept < floor {
            TopKMasking.writeKeys(m, key: .scores, into: context.keys)
            TopKSelection.mask(mask, keys: UnsafeBufferPointer(start: context.keys, count: n), keep: floor, scratch: context.scratch)
        }
    }

    /// Σ sigmoid(S_i); gradient sigmoid'(S_i) = σ(1 − σ).
    public func penaltySum(_ m: MaskedMatrix, gradientScale: Float, into dScores: UnsafeMutablePointer<Float>?) -> Double {
        ScoreMasks.sigmoidPenalty(m.scores!, count: m.count, shift: 0, gradientScale: gradientScale, into: dScores)
    }
}

/// L0 regularisation with the hard-concrete distribution (Louizos et al. 2018; emmental `l0`):
/// stretch `(l, r) = (−0.1, 1.1)`, temperature `β = 2/3`.
/// - training: `u ~ U(0,1)` clamped to [1e-4, 0.9999] from a seeded counter RNG,
///   `s = sigmoid((log u − log(1−u) + S)/β)`, `M = clamp(s·(r−l) + l, 0, 1)`; `∂M/∂S = (r−l)·s(1−s)/β`
///   inside the clamp, 0 outside;
/// - evaluation: `M = clamp(sigmoid(S)·1.2 − 0.1, 0, 1)`;
/// - penalty: expected L0 `lambda_t · mean over matrices of mean(sigmoid(S − β·log(−l/r)))`.
/// Scores start at 2.197 (`sigmoid = 0.9`) with learning rate 0.1, emmental's README settings.
public struct L0Pruning: PruningMethod {
    public static let l: Float = -0.1, r: Float = 1.1, beta: Float = 2.0 / 3.0
    /// `β·log(−l/r)`, the shift of the expected-L0 penalty.
    public static let penaltyShift = Float(2.0 / 3.0 * _log(0.1 / 1.1))
    public let scoreInit: Float
    public init(initialScore: Float = 2.197) { scoreInit = initialScore }
    public var name: String { "l0" }
    public var thresholdMeaning: ThresholdMeaning { .unused }
    public var initialScore: Float? { scoreInit }
    public var defaultScoreLearningRate: Float { 1e-1 }
    public var hasDifferentiableMask: Bool { true }
    public var hasPenalty: Bool { true }

    public func fillMask(_ m: MaskedMatrix, _ context: MaskContext) {
        let s = m.scores!, mask = m.mask, n = m.count
        switch context.mode {
        case .evaluation:
            ScoreMasks.hardConcreteEvaluation(mask, scores: s, count: n, l: Self.l, r: Self.r)
            if let dm = m.maskGrad { dm.update(repeating: 0, count: n) }
        case .training(let step):
            ScoreMasks.hardConcrete(mask, maskGrad: m.maskGrad!, scores: s, count: n,
                                    noise: CounterRandom(seed: context.seed, step: step, matrix: m.index),
                                    l: Self.l, r: Self.r, beta: Self.beta)
        }
    }

    public func penaltySum(_ m: MaskedMatrix, gradientScale: Float, into dScores: UnsafeMutablePointer<Float>?) -> Double {
        ScoreMasks.sigmoidPenalty(m.scores!, count: m.count, shift: Self.penaltyShift, gradientScale: gradientScale,
                                  into: dScores)
    }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
