import BermoRuntime

/// When a probe's training stops.
public enum StoppingRule: String, Sendable, Codable, CaseIterable {
    /// SentEval's rule (`PyTorchClassifier.fit`): a counter of non-improving dev checks that is *never reset*
    /// when dev improves; training stops at the check where the counter already stands at `tenacity`,
    /// i.e. the (tenacity+1)-th non-improving check in total (the 6th with tenacity 5).
    case sentEval = "senteval"
    /// Patience: the counter resets whenever dev improves, so training stops at the (tenacity+1)-th
    /// *consecutive* non-improving check.
    case patience
}

/// How the cross-entropy is reduced over a batch.
public enum LossReduction: String, Sendable, Codable, CaseIterable {
    /// PyTorch ≥ 0.4.1 (what SentEval runs with today): SentEval sets `loss_fn.size_average = False` after
    /// construction, which newer PyTorch ignores (its forward reads `self.reduction`, fixed at 'mean').
    case mean
    /// What that line meant under the PyTorch 0.3 SentEval was written for: the batch's losses summed,
    /// which makes the L2 term 64× weaker relative to the data term under Adam.
    case sum
}

/// SentEval's classifier settings (`senteval/tools/classifier.py` `MLP`, `validation.py` `SplitClassifier`),
/// defaults as in SentEval's README config `{'nhid': 0, 'optim': 'adam', 'batch_size': 64, 'tenacity': 5,
/// 'epoch_size': 4}` and the class defaults (max_epoch 200, dropout 0).
public struct ProbeConfig: Sendable, Codable, Equatable {
    /// 0: logistic regression (`Linear`); > 0: `Linear(d, h) – Dropout – Sigmoid – Linear(h, classes)`.
    public var hiddenUnits: Int = 0
    /// Dropout probability of the MLP (applied to the hidden pre-activations, as in SentEval).
    public var dropout: Float = 0
    public var batchSize: Int = 64
    /// Passes over the training set between two dev checks (SentEval's "epoch").
    public var epochSize: Int = 4
    /// SentEval's `max_epoch`, counted in passes: training continues while passes done ≤ maxEpoch, so
    /// at most ⌊maxEpoch/epochSize⌋ + 1 checks (51 with the defaults, 204 passes).
    public var maxEpoch: Int = 200
    public var tenacity: Int = 5
    public var stopping: StoppingRule = .sentEval
    /// torch.optim.Adam defaults (SentEval's "adam" passes no parameters).
    public var learningRate: Float = 1e-3
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// SentEval's `SplitClassifier` grid, `[10**t for t in range(-5, -1)]`, applied as Adam's (coupled)
    /// `weight_decay` on every probe parameter, biases included. The BERMo mix parameters are not decayed.
    public var l2Grid: [Float] = [1e-5, 1e-4, 1e-3, 1e-2]
    public var lossReduction: LossReduction = .mean
    /// Standardise each feature (per layer) with the training split's mean and standard deviation.
    /// Not part of SentEval; off by default. Results record whether it was used.
    public var standardize: Bool = false

    public init() {}

    /// Checks the settings; `source` names where they came from (e.g. a suite file and line).
    public func validate(source: String = "ProbeConfig") throws {
        func fail(_ field: String, _ why: String) -> RuntimeError { RuntimeError("\(source): \(field) \(why)") }
        guard hiddenUnits >= 0 else { throw fail("nhid", "is \(hiddenUnits); use 0 (logistic regression) or a positive hidden size") }
        guard (0..<1).contains(dropout) else { throw fail("dropout", "is \(dropout); use a probability in [0, 1)") }
        guard batchSize >= 1 else { throw fail("batch_size", "is \(batchSize); use at least 1 (SentEval: 64)") }
        guard epochSize >= 1 else { throw fail("epoch_size", "is \(epochSize); use at least 1 (SentEval: 4)") }
        guard maxEpoch >= 0 else { throw fail("max_epoch", "is \(maxEpoch); use a non-negative pass count (SentEval: 200)") }
        guard tenacity >= 0 else { throw fail("tenacity", "is \(tenacity); use a non-negative count (SentEval: 5)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("lr", "is \(learningRate); use a positive rate (Adam: 1e-3)") }
        guard !l2Grid.isEmpty, l2Grid.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw fail("l2", "grid \(l2Grid) must be non-empty and non-negative (SentEval: 1e-5, 1e-4, 1e-3, 1e-2)")
        }
    }
}

/// SentEval's early stopping, one dev accuracy at a time.
///
/// SentEval (`fit`): `if acc > best: best = acc; save model` / `elif early_stop: if count >= tenacity:
/// stop; count += 1`. The best model is the first one that reached the maximum (strict `>`).
public struct EarlyStopping: Sendable, Equatable {
    public let rule: StoppingRule
    public let tenacity: Int
    public private(set) var best: Double = -1
    public private(set) var count = 0
    public private(set) var shouldStop = false

    public init(rule: StoppingRule, tenacity: Int) { self.rule = rule; self.tenacity = tenacity }

    /// Records a dev accuracy; returns true when it improved on the best (keep this model).
    @discardableResult
    public mutating func record(_ accuracy: Double) -> Bool {
        if accuracy > best {
            best = accuracy
            if rule == .patience { count = 0 }
            return true
        }
        if count >= tenacity { shouldStop = true }
        count += 1
        return false
    }
}

/// SentEval's choice of L2 (`SplitClassifier.run`): dev accuracies are rounded to 2 decimals in percent
/// and `np.argmax` takes the first maximum, so ties go to the earlier (smaller) value of the grid.
public enum L2Selection {
    public static func roundedPercent(_ accuracy: Double) -> Double { (accuracy * 100 * 100).rounded() / 100 }

    public static func bestIndex(devAccuracies: [Double]) -> Int {
        let scores = devAccuracies.map(roundedPercent)
        var best = 0
        for i in scores.indices where scores[i] > scores[best] { best = i }
        return best
    }
}
