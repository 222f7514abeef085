import BermoRuntime

/// A pruning run as a suite declares it in a `glue.prune` task's `pruning:` block (emmental's option names
/// where they exist), turned into a `PruningSchedule` for one model and one fine-tuning configuration.
/// Settings left unset take the method's defaults; `resolvingMethodDefaults()` writes them in, so a
/// configuration that spells a default out hashes like one that leaves it out.
public struct PruningSpec: Settings {
    @Setting("method", required: true, help: "magnitude, movement (emmental topK), soft_movement (sigmoied_threshold) or l0.")
    public var method: PruningMethodName = .magnitude
    @Setting("initial_threshold", .in(-1000...1000), help: "Threshold before pruning starts; default: the method's (0 for soft_movement, 1 otherwise).")
    public var initialThreshold: Double? = nil
    @Setting("final_threshold", .in(0...1), required: true,
             help: "Fraction of weights kept at the end (top-k methods), or the sigmoid cut (soft_movement).")
    public var finalThreshold = 1.0
    @Setting("initial_warmup", .in(0...1000), help: "Warm-up units (of warmup_steps) before pruning starts.")
    public var initialWarmup = 1
    @Setting("final_warmup", .in(0...1000), help: "Warm-up units at the end during which the threshold stays final.")
    public var finalWarmup = 2
    @Setting("final_lambda", .in(0...1e6), help: "Weight of the sparsity penalty at the end (soft_movement, l0).")
    public var finalLambda = 0.0
    @Setting("mask_scores_learning_rate", .above(0, atMost: 10), help: "Learning rate of the mask scores; default: the method's (1e-2; 1e-1 for l0).")
    public var scoreLearningRate: Float? = nil
    @Setting("mask_scale", .in(-100...100), help: "Initial score of every weight; default: the method's (0; 2.197 for l0).")
    public var initialScore: Float? = nil
    @Setting("global_topk", help: "Rank weights across all prunable matrices instead of per matrix.")
    public var globalTopK = false
    @Setting("global_topk_frequency_compute", .in(1...100_000), help: "Steps between recomputations of the global threshold.")
    public var globalTopKInterval = 25
    @Setting("evaluation_threshold", help: "current: evaluate at the threshold of the moment; final: at the final one.")
    public var evaluationThreshold = PruningOptions.EvaluationThreshold.current

    public init() {}

    public init(method: PruningMethodName, finalThreshold: Double) { self.method = method; self.finalThreshold = finalThreshold }

    public func check() throws {
        if [.softMovement, .l0].contains(method) && finalLambda == 0 {
            throw SettingError("final_lambda", "\(method.rawValue) prunes through its penalty; with final_lambda 0 it never prunes",
                               fix: "set final_lambda (e.g. 100 for soft_movement, 5 for l0)")
        }
        if method == .magnitude && initialScore != nil {
            throw SettingError("mask_scale", "magnitude pruning has no scores", fix: "remove mask_scale")
        }
    }

    /// The same spec with every method default written in.
    public func resolvingMethodDefaults() throws -> PruningSpec {
        var s = self
        let m = try makeMethod()
        s.initialThreshold = initialThreshold ?? (m.thresholdMeaning == .sigmoidCut ? 0 : 1)
        s.initialScore = initialScore ?? m.initialScore
        s.scoreLearningRate = scoreLearningRate ?? (m.initialScore == nil ? nil : m.defaultScoreLearningRate)
        return s
    }

    /// The method this spec names.
    public func makeMethod() throws -> any PruningMethod {
        try PruningMethods.named(method.rawValue, initialScore: initialScore)
    }

    /// The schedule for `model` fine-tuned with `fineTune` on `trainCount` examples (validated: throws a
    /// `SettingError` naming the field when the run cannot be pruned as asked).
    public func makeSchedule(model: BertModel, fineTune: FineTuneConfig, trainCount: Int) throws -> PruningSchedule {
        var o = PruningOptions()
        o.scoreLearningRate = scoreLearningRate
        o.globalTopK = globalTopK
        o.globalTopKInterval = globalTopKInterval
        o.evaluationThreshold = evaluationThreshold
        return try PruningSchedule(method: makeMethod(), model: model, fineTune: fineTune, trainCount: trainCount,
                                   initialThreshold: initialThreshold, finalThreshold: finalThreshold,
                                   initialWarmup: initialWarmup, finalWarmup: finalWarmup, finalLambda: finalLambda, options: o)
    }
}

/// The built-in methods' names (emmental's `topK` and `sigmoied_threshold` are accepted too).
public enum PruningMethodName: String, SettingChoice {
    case magnitude, movement, softMovement = "soft_movement", l0

    public init?(setting json: JSONValue) {
        guard case .string(let s) = json else { return nil }
        switch s {
        case "topK": self = .movement
        case "sigmoied_threshold": self = .softMovement
        default: guard let m = Self(rawValue: s) else { return nil }; self = m
        }
    }
}

/// The built-in methods by name.
public enum PruningMethods {
    public static let names = PruningMethodName.words

    /// Accepts the names above and emmental's (`topK`, `sigmoied_threshold`).
    public static func named(_ name: String, initialScore: Float? = nil) throws -> any PruningMethod {
        switch name {
        case "magnitude":
            if initialScore != nil { throw SettingError("mask_scale", "magnitude pruning has no scores; remove mask_scale") }
            return MagnitudePruning()
        case "movement", "topK": return MovementPruning(initialScore: initialScore ?? 0)
        case "soft_movement", "sigmoied_threshold": return SoftMovementPruning(initialScore: initialScore ?? 0)
        case "l0": return L0Pruning(initialScore: initialScore ?? 2.197)
        default:
            throw SettingError("method", "unknown pruning method '\(name)'; use one of \(names.joined(separator: ", "))")
        }
    }
}
