import BermoBench
import BermoRuntime

/// `bermo bench prune`: pruning's cost per training step. One SST-2 batch (32 × 64 tokens, the
/// pruning-sst2 suite's shape), each method held at its final level (10% kept for the top-k methods,
/// τ 0.1 for soft movement), against plain fine-tuning of the same model; both heads.
public struct PruneBenchmark: Benchmark {
    public struct Options: Settings {
        @Setting("reps", .in(1...1000), help: "Timed steps per method (median reported).")
        public var reps = 5
        @Setting("shape", help: "The batch, BxT: sequences of SST-2 sentences filling T tokens.")
        public var shape = BatchShape(sequences: 32, tokens: 64)
        public init() {}
    }

    public init() {}
    public var name: String { "prune" }
    public var summary: String { "Training-step overhead of each pruning method (32x64 SST-2 batch, both heads)." }

    public func run(options: Options, context: BenchContext) throws {
        let train = try context.sst2(.train)
        for head in HeadVariant.allCases {
            let (model, tokenizer) = try context.loadClassifier(head: head)
            var config = FineTuneConfig()
            config.perDeviceTrainBatchSize = options.shape.sequences; config.maxSeqLength = options.shape.tokens
            config.freeze = [.embeddings]
            let tuner = try FineTuner(model: model, tokenizer: tokenizer, config: config, kind: .classification(labels: ["0", "1"]))
            let batch = try FullBatch.make(options.shape, from: train, tokenizer: tokenizer, model: model)
            let labels = (0..<options.shape.sequences).map { $0 % 2 }
            let methods = try PruningMethodName.allCases.map { try PruningMethods.named($0.rawValue) }
            let results = try PruningBench.stepOverhead(tuner: tuner, batch: batch, targets: .classes(labels), methods: methods,
                                                        reps: options.reps) { method in
                try PruningSchedule(method: method, model: model, schedule: Self.heldAtFinalLevel(method))
            }
            for result in results {
                var record = result.record
                record["head"] = head.rawValue; record["tokens"] = batch.tokenCount
                try context.emit(record)
            }
        }
    }

    /// A schedule whose every step is at the method's final level (`trainStep` does not advance the step),
    /// with the penalty the suites use for the penalised methods.
    static func heldAtFinalLevel(_ method: any PruningMethod) -> CubicSchedule {
        let (level, lambda): (Double, Double) = switch method.name {
        case "soft_movement": (0.1, 100)
        case "l0": (1, 5)
        default: (0.1, 0)
        }
        return CubicSchedule(initialThreshold: level, finalThreshold: level, initialWarmup: 0, finalWarmup: 0,
                             warmupSteps: 1, totalSteps: 1000, finalLambda: lambda)
    }
}
