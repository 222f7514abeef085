import BermoRuntime
import Foundation

/// Encode speed, workload for workload the same as `scripts/reference/bench_encode_torch.py` (which
/// `scripts/bench/encode.sh` runs beside it): full 32x128 batches, SST-2 sentences at their real lengths
/// through the whole `bermo encode` path, and the sgemm ceiling of the model's projection shapes.
public struct EncodeBenchmark: Benchmark {
    public struct Options: Settings {
        @Setting("reps", .in(1...1000), help: "Timed repetitions (median reported; the real-lengths workload runs half as many, at least one).")
        public var reps = 5
        @Setting("real_batch_size", .in(1...512), help: "Sentences per packed batch in the real-lengths workload (PyTorch's script uses 32).")
        public var realBatchSize = 32
        @Setting("sentences", .in(1...10_000), help: "Sentences in the real-lengths workload: SST-2's dev split, then its train split.")
        public var sentences = 2000
        public init() {}
    }

    public init() {}
    public var name: String { "encode" }
    public var summary: String { "Sentences/s: 32x128 full batches and 2,000 SST-2 sentences at real lengths; sgemm ceiling." }

    public func run(options: Options, context: BenchContext) throws {
        let (model, tokenizer) = try context.loadModel()
        let train = try context.sst2(.train), dev = try context.sst2(.dev)
        try sgemmCeiling(model: model, reps: options.reps, context: context)
        try fullBatch(model: model, tokenizer: tokenizer, train: train, reps: options.reps, context: context)
        try realLengths(model: model, tokenizer: tokenizer, sentences: Array((dev + train).prefix(options.sentences)),
                        options: options, context: context)
    }

    /// GFLOP/s of our row-split sgemm on the model's three projection shapes at 4,096 tokens: what the
    /// encoder could reach if it did nothing but matrix products.
    func sgemmCeiling(model: BertModel, reps: Int, context: BenchContext) throws {
        let hidden = model.config.hiddenSize, inner = model.config.intermediateSize, m = 4096
        for (k, n) in [(hidden, 3 * hidden), (hidden, inner), (inner, hidden)] {
            let a = ParameterBuffer(count: m * k), b = ParameterBuffer(count: n * k), c = ParameterBuffer(count: m * n)
            for i in 0..<a.count { a.base[i] = Float(i % 7) * 0.01 }
            for i in 0..<b.count { b.base[i] = Float(i % 5) * 0.01 }
            let t = BenchTimer.median(reps: reps, warmup: 1) {
                Linear.forward(out: c.base, inp: a.base, weight: b.base, bias: nil, rows: m, inDim: k, outDim: n)
            }
            try context.emit(["workload": "sgemm-\(m)x\(k)x\(n)", "gflops": 2.0 * Double(m * n * k) / t / 1e9, "threads": Compute.threads])
        }
    }

    /// One encoder pass over 32 sequences of exactly 128 tokens.
    func fullBatch(model: BertModel, tokenizer: Tokenizer, train: [String], reps: Int, context: BenchContext) throws {
        let shape = BatchShape(sequences: 32, tokens: 128)
        let batch = try FullBatch.make(shape, from: train, tokenizer: tokenizer, model: model)
        let acts = Activations()
        let t = BenchTimer.median(reps: reps, warmup: 1) { model.forwardEncoder(batch, acts) }
        let tokens = Double(batch.tokenCount)
        try context.emit(["workload": "full-\(shape)", "seconds_per_batch": t, "sentences_per_s": Double(shape.sequences) / t,
                      "gflops": model.flopsPerToken(sequenceLength: shape.tokens) * tokens / t / 1e9, "threads": Compute.threads])
    }

    /// What `bermo encode` does with real sentences: tokenize, length-sorted packed batches, [CLS] and
    /// mean pooling of every layer.
    func realLengths(model: BertModel, tokenizer: Tokenizer, sentences: [String], options: Options, context: BenchContext) throws {
        let encoder = try SentenceEncoder(model: model, tokenizer: tokenizer, maxLength: 128, batchSize: options.realBatchSize)
        let layers = Array(0...model.config.numHiddenLayers)
        var tokens = 0
        let t = try BenchTimer.median(reps: max(1, options.reps / 2), warmup: 1) {
            let encodings = encoder.tokenize(sentences)
            tokens = encodings.reduce(0) { $0 + $1.inputIds.count }
            _ = try encoder.encode(encodings, layers: layers, poolings: [.cls, .mean])
        }
        let tokenize = BenchTimer.median(reps: 1, warmup: 0) { _ = encoder.tokenize(sentences) }
        try context.emit(["workload": "sst2-\(sentences.count)-real", "seconds": t, "sentences_per_s": Double(sentences.count) / t,
                      "tokens": tokens, "tokenize_seconds": tokenize, "threads": Compute.threads, "batch_size": options.realBatchSize])
    }
}
