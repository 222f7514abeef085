import BermoBench
import BermoRuntime

/// `bermo bench sparse`: encode speed of the model pruned one-shot by magnitude to each remaining
/// fraction, dense sgemm over the zeros against the sparse kernels (`SparseInference`), on the encode
/// benchmark's two workloads (a full 32x128 batch, SST-2 sentences at real lengths).
public struct SparseBenchmark: Benchmark {
    public struct Options: Settings {
        @Setting("remaining", .nonEmpty(each: .above(0, atMost: 1)), help: "Fractions of the prunable weights kept, one measurement each (comma-separated on the command line).")
        public var remaining = [0.1, 0.03]
        @Setting("reps", .in(1...1000), help: "Timed passes per path and fraction (median reported).")
        public var reps = 3
        @Setting("sentences", .in(1...10_000), help: "Sentences in the real-lengths workload (the first of SST-2's train split).")
        public var sentences = 2000
        public init() {}
    }

    public init() {}
    public var name: String { "sparse" }
    public var summary: String { "Sparse vs dense encode speed at 10% and 3% remaining weights (one-shot magnitude pruning)." }

    public func run(options: Options, context: BenchContext) throws {
        let (model, tokenizer) = try context.loadModel()
        let train = try context.sst2(.train)
        let full = try FullBatch.make(BatchShape(sequences: 32, tokens: 128), from: train, tokenizer: tokenizer, model: model)
        let real = train.prefix(options.sentences).map { tokenizer.encode($0, maxLength: 128) }
            .sorted { $0.inputIds.count < $1.inputIds.count }
        let realBatches = try stride(from: 0, to: real.count, by: 32).map { s in
            try model.pack(real[s..<min(s + 32, real.count)].map { ($0.inputIds, $0.tokenTypeIds) })
        }
        for (workload, batches) in [("full-32x128", [full]), ("sst2-\(real.count)-real", realBatches)] {
            for result in try PruningBench.encodeSpeed(model: model, batches: batches, remaining: options.remaining, reps: options.reps) {
                var record = result.record
                record["workload"] = "sparse-\(workload)"
                try context.emit(record)
            }
        }
    }
}
