import BermoHarness
import BermoRuntime

/// A pruning run as a suite declares it (snake_case keys, emmental's option names where they exist),
/// turned into a `PruningSchedule` for one model and one fine-tuning configuration. Decoding fills
/// every omitted field with its default; `fieldNames` lets a caller reject unknown keys.
public struct PruningSpec: Codable, Sendable, Equatable {
    /// `magnitude`, `movement` (emmental `topK`), `soft_movement` (`sigmoied_threshold`) or `l0`.
    public var method: String
    /// nil = the method's: 0 for soft movement, 1 otherwise.
    public var initialThreshold: Double?
    public var finalThreshold: Double
    public var initialWarmup = 1
    public var finalWarmup = 2
    public var finalLambda = 0.0
    /// nil = the method's default (1e-2; 1e-1 for L0).
    public var scoreLearningRate: Float?
    /// nil = the method's default (0; 2.197 for L0).
    public var initialScore: Float?
    public var globalTopK = false
    public var globalTopKInterval = 25
    public var evaluationThreshold = PruningOptions.EvaluationThreshold.current

    public init(method: String, finalThreshold: Double) { self.method = method; self.finalThreshold = finalThreshold }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case method
        case initialThreshold = "initial_threshold", finalThreshold = "final_threshold"
        case initialWarmup = "initial_warmup", finalWarmup = "final_warmup", finalLambda = "final_lambda"
        case scoreLearningRate = "mask_scores_learning_rate", initialScore = "mask_scale"
        case globalTopK = "global_topk", globalTopKInterval = "global_topk_frequency_compute"
        case evaluationThreshold = "evaluation_threshold"
    }

    /// Every key `init(from:)` reads.
    public static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decode(String.self, forKey: .method)
        finalThreshold = try c.decode(Double.self, forKey: .finalThreshold)
        initialThreshold = try c.decodeIfPresent(Double.self, forKey: .initialThreshold)
        initialWarmup = try c.decodeIfPresent(Int.self, forKey: .initialWarmup) ?? 1
        finalWarmup = try c.decodeIfPresent(Int.self, forKey: .finalWarmup) ?? 2
        finalLambda = try c.decodeIfPresent(Double.self, forKey: .finalLambda) ?? 0
        scoreLearningRate = try c.decodeIfPresent(Float.self, forKey: .scoreLearningRate)
        initialScore = try c.decodeIfPresent(Float.self, forKey: .initialScore)
        globalTopK = try c.decodeIfPresent(Bool.self, forKey: .globalTopK) ?? false
        globalTopKInterval = try c.decodeIfPresent(Int.self, forKey: .globalTopKInterval) ?? 25
        evaluationThreshold = try c.decodeIfPresent(PruningOptions.EvaluationThreshold.self, forKey: .evaluationThreshold) ?? .current
    }

    /// Reads a suite's `pruning:` block with the same keys as the Codable form (emmental's option names),
    /// each value range-checked with an error located at its line.
    public init(block: TaskParameters) throws {
        typealias K = CodingKeys
        self.init(method: try block.choice(K.method.rawValue, from: PruningMethods.names),
                  finalThreshold: try block.double(K.finalThreshold.rawValue, in: 0...1))
        initialThreshold = try block.optional(K.initialThreshold.rawValue, as: Double.self)
        initialWarmup = try block.int(K.initialWarmup.rawValue, default: 1, in: 0...1000)
        finalWarmup = try block.int(K.finalWarmup.rawValue, default: 2, in: 0...1000)
        finalLambda = try block.double(K.finalLambda.rawValue, default: 0, in: 0...1e6)
        scoreLearningRate = try block.optional(K.scoreLearningRate.rawValue, as: Double.self).map(Float.init)
        initialScore = try block.optional(K.initialScore.rawValue, as: Double.self).map(Float.init)
        globalTopK = try block.bool(K.globalTopK.rawValue, default: false)
        globalTopKInterval = try block.int(K.globalTopKInterval.rawValue, default: 25, in: 1...100_000)
        let evaluation = try block.choice(K.evaluationThreshold.rawValue, from: ["current", "final"], default: "current")
        evaluationThreshold = PruningOptions.EvaluationThreshold(rawValue: evaluation) ?? .current
    }

    /// The method this spec names.
    public func makeMethod() throws -> any PruningMethod {
        try PruningMethods.named(method, initialScore: initialScore)
    }

    /// The schedule for `model` fine-tuned with `fineTune` on `trainCount` examples (validated: throws a
    /// `PruningError` naming the field when the run cannot be pruned as asked).
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

/// The built-in methods by name.
public enum PruningMethods {
    public static let names = ["magnitude", "movement", "soft_movement", "l0"]

    /// Accepts the names above and emmental's (`topK`, `sigmoied_threshold`).
    public static func named(_ name: String, initialScore: Float? = nil) throws -> any PruningMethod {
        switch name {
        case "magnitude":
            if initialScore != nil { throw PruningError(field: "mask_scale", "magnitude pruning has no scores; remove mask_scale") }
            return MagnitudePruning()
        case "movement", "topK": return MovementPruning(initialScore: initialScore ?? 0)
        case "soft_movement", "sigmoied_threshold": return SoftMovementPruning(initialScore: initialScore ?? 0)
        case "l0": return L0Pruning(initialScore: initialScore ?? 2.197)
        default:
            throw PruningError(field: "method", "unknown pruning method '\(name)'; use one of \(names.joined(separator: ", "))")
        }
    }
}
