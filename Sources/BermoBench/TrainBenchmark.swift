import BermoRuntime

/// Training-step speed: forward (training mode, dropout on), backward, clipping and AdamW on B sequences
/// of exactly T tokens, for both heads; the same workload as `finetune_torch.py --speed BxT`.
public struct TrainBenchmark: Benchmark {
    public struct Options: Settings {
        @Setting("shapes", .nonEmpty(), help: "Shapes to time, BxT (comma-separated on the command line).")
        public var shapes = [BatchShape(sequences: 32, tokens: 128), BatchShape(sequences: 32, tokens: 64)]
        @Setting("reps", .in(1...1000), help: "Timed steps (median reported).")
        public var reps = 3
        public init() {}
    }

    public init() {}
    public var name: String { "train" }
    public var summary: String { "Training examples/s at 32x128 and 32x64, BERT and BERMo heads." }

    public func run(options: Options, context: BenchContext) throws {
        for shape in options.shapes {
            for head in HeadVariant.allCases {
                let (model, tokenizer) = try context.loadClassifier(head: head)
                var config = FineTuneConfig()
                config.perDeviceTrainBatchSize = shape.sequences; config.maxSeqLength = shape.tokens
                let tuner = try FineTuner(model: model, tokenizer: tokenizer, config: config, kind: .classification(labels: ["0", "1"]))
                let (batch, labels) = try Self.randomBatch(shape, model: model)
                let t = BenchTimer.median(reps: options.reps, warmup: 1) {
                    _ = tuner.trainStep(batch, targets: .classes(labels), factor: 1)
                }
                let flops = 3 * model.flopsPerToken(sequenceLength: shape.tokens) * Double(batch.tokenCount)
                try context.emit(["workload": "train-\(shape)", "head": head.rawValue, "seconds_per_step": t,
                              "examples_per_s": Double(shape.sequences) / t, "gflops": flops / t / 1e9, "threads": Compute.threads])
            }
        }
    }

    /// Seeded random word-piece ids between [CLS] and [SEP], and random binary labels: a step's cost does
    /// not depend on which tokens it sees.
    static func randomBatch(_ shape: BatchShape, model: BertModel) throws -> (PackedBatch, [Int]) {
        var rng = SeededRandom(seed: 7)
        let sequences = (0..<shape.sequences).map { _ in
            ([Int32(101)] + (0..<(shape.tokens - 2)).map { _ in Int32(1000 + Int(rng.next() % 28000)) } + [Int32(102)],
             [Int32](repeating: 0, count: shape.tokens))
        }
        let labels = (0..<shape.sequences).map { _ in Int(rng.next() % 2) }
        return (try model.pack(sequences), labels)
    }
}
