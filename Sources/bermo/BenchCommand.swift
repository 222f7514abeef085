import ArgumentParser
import BermoRuntime
import Foundation
import PruningPlugin

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Speed benchmarks (run in a release build; see BENCHMARKS.md).",
        subcommands: [BenchEncode.self, BenchTrain.self, BenchKernels.self, BenchSparse.self, BenchPrune.self])
}

/// The encode benchmark, workload for workload the same as `scripts/reference/bench_encode_torch.py`.
struct BenchEncode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode", abstract: "Sentences/s for MiniLM-L6: 32x128 full batches and 2,000 SST-2 sentences; sgemm ceiling.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .customLong("data-dir"), help: "Data directory holding glue/SST-2 (default $BERMO_DATA or ../shared/data).")
    var dataDir: String?
    @Option(help: "Timed repetitions (median reported).")
    var reps: Int = 5
    @Option(name: .customLong("real-batch-size"), help: "Sentences per packed batch in the real-lengths workload (PyTorch's script uses 32).")
    var realBatchSize: Int = 32

    func run() throws {
        let (model, tokenizer, _) = try modelOptions.load()
        let data = DataDirectory.resolve(dataDir).appendingPathComponent("glue/SST-2")
        func sst2(_ name: String) throws -> [String] {
            let lines = try TextLines.read(data.appendingPathComponent(name).path).dropFirst()
            return lines.map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[0]) }
        }
        let dev = try sst2("dev.tsv"), train = try sst2("train.tsv")
        let threads = Compute.threads

        // sgemm ceiling on this model's three projection shapes (tokens = 4096), our row split.
        let flopsPerToken = model.flopsPerToken(sequenceLength: 128)
        for (k, n) in [(model.config.hiddenSize, 3 * model.config.hiddenSize),
                       (model.config.hiddenSize, model.config.intermediateSize),
                       (model.config.intermediateSize, model.config.hiddenSize)] {
            let m = 4096
            let a = ParameterBuffer(count: m * k), b = ParameterBuffer(count: n * k), c = ParameterBuffer(count: m * n)
            for i in 0..<a.count { a.base[i] = Float(i % 7) * 0.01 }
            for i in 0..<b.count { b.base[i] = Float(i % 5) * 0.01 }
            let t = median(reps: reps) {
                Linear.forward(out: c.base, inp: a.base, weight: b.base, bias: nil, rows: m, inDim: k, outDim: n)
            }
            Self.emit(["impl": "bermo", "workload": "sgemm-\(m)x\(k)x\(n)", "gflops": 2.0 * Double(m * n * k) / t / 1e9, "threads": threads])
        }

        // 1. full padding: 32 sequences of exactly 128 tokens.
        let encoder = try SentenceEncoder(model: model, tokenizer: tokenizer, maxLength: 128, batchSize: 32)
        let texts = (0..<32).map { i in train[(i * 40)..<((i + 1) * 40)].joined(separator: " ") }
        let full = encoder.tokenize(texts)
        guard full.allSatisfy({ $0.inputIds.count == 128 }) else { throw ValidationFailure("bench: a full-padding sequence is shorter than 128 tokens") }
        let batch = PackedBatch(sequences: full.map { ($0.inputIds, $0.tokenTypeIds) }, heads: model.config.numAttentionHeads)
        let acts = Activations()
        model.forwardEncoder(batch, acts)
        let tFull = median(reps: reps) { model.forwardEncoder(batch, acts) }
        Self.emit(["impl": "bermo", "workload": "full-32x128", "seconds_per_batch": tFull, "sentences_per_s": 32 / tFull,
              "gflops": flopsPerToken * 4096 / tFull / 1e9, "threads": threads])

        // 2. real lengths: tokenize + length-sorted packed batches + [CLS] and mean of every layer.
        let sentences = dev + train.prefix(2000 - dev.count)
        let realEncoder = try SentenceEncoder(model: model, tokenizer: tokenizer, maxLength: 128, batchSize: realBatchSize)
        let layers = Array(0...model.config.numHiddenLayers)
        var tokens = 0
        let run = { () throws -> Void in
            let enc = realEncoder.tokenize(sentences)
            tokens = enc.reduce(0) { $0 + $1.inputIds.count }
            _ = try realEncoder.encode(enc, layers: layers, poolings: [.cls, .mean])
        }
        try run()
        var times: [Double] = []
        for _ in 0..<max(1, reps / 2) {
            let t0 = Date(); try run(); times.append(Date().timeIntervalSince(t0))
        }
        let tReal = times.sorted()[times.count / 2]
        let tokStart = Date(); _ = encoder.tokenize(sentences); let tTok = Date().timeIntervalSince(tokStart)
        Self.emit(["impl": "bermo", "workload": "sst2-2000-real", "seconds": tReal, "sentences_per_s": Double(sentences.count) / tReal,
              "tokens": tokens, "tokenize_seconds": tTok, "threads": threads, "batch_size": realBatchSize])
    }

    func median(reps: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<max(1, reps) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    static func emit(_ fields: [String: Any]) {
        var fields = fields
        fields["blas_core"] = BLASCore.name
        let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// Training-step speed: forward (training mode, dropout on) + backward + clipping + AdamW on B sequences of
/// exactly T tokens, for both heads; same workload as `finetune_torch.py --speed BxT`.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Training examples/s for MiniLM-L6 at 32x128 and 32x64, BERT and BERMo heads.")

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Shapes to time, BxT, comma-separated.") var shapes = "32x128,32x64"
    @Option(help: "Timed steps (median reported).") var reps = 3

    func run() throws {
        for shape in shapes.split(separator: ",") {
            let parts = shape.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationFailure("--shapes: '\(shape)' is not BxT, e.g. 32x128") }
            let (B, T) = (parts[0], parts[1])
            for head in HeadVariant.allCases {
                let (model, tokenizer, _) = try modelOptions.load(numLabels: 2, mix: head == .bermo ? MixConfig() : nil)
                var config = FineTuneConfig(); config.perDeviceTrainBatchSize = B; config.maxSeqLength = T
                let tuner = try FineTuner(model: model, tokenizer: tokenizer, config: config, kind: .classification(labels: ["0", "1"]))
                var rng = SeededRandom(seed: 7)
                let seqs = (0..<B).map { _ in ([Int32(101)] + (0..<(T - 2)).map { _ in Int32(1000 + Int(rng.next() % 28000)) } + [Int32(102)],
                                               [Int32](repeating: 0, count: T)) }
                let batch = PackedBatch(sequences: seqs, heads: model.config.numAttentionHeads)
                let labels = (0..<B).map { _ in Int(rng.next() % 2) }
                _ = tuner.trainStep(batch, targets: .classes(labels), factor: 1)
                var times: [Double] = []
                for _ in 0..<max(1, reps) {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    _ = tuner.trainStep(batch, targets: .classes(labels), factor: 1)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                }
                let t = times.sorted()[times.count / 2]
                let flops = 3 * model.flopsPerToken(sequenceLength: T) * Double(B * T)
                BenchEncode.emit(["impl": "bermo", "workload": "train-\(B)x\(T)", "head": head.rawValue, "seconds_per_step": t,
                                  "examples_per_s": Double(B) / t, "gflops": flops / t / 1e9, "threads": Compute.threads])
            }
        }
    }
}

/// Elementwise kernels in isolation (ns per element), to see what is left beside the matrix products.
struct BenchKernels: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kernels", abstract: "ns/element of the elementwise kernels (one thread).")

    func run() {
        Compute.configure(threads: 1)
        let n = 4096 * 1536
        let a = ParameterBuffer(count: n), b = ParameterBuffer(count: n), c = ParameterBuffer(count: n)
        var rng = SeededRandom(seed: 1)
        for i in 0..<n { a.base[i] = 3 * rng.nextNormal(); b.base[i] = rng.nextNormal() }
        func time(_ name: String, _ body: () -> Void) {
            body()
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<5 { body() }
            let ns = Double(DispatchTime.now().uptimeNanoseconds - t0) / 5 / Double(n)
            BenchEncode.emit(["impl": "bermo", "workload": "kernel-\(name)", "ns_per_element": ns])
        }
        time("gelu-forward") { GELU.forward(c.base, a.base, count: n) }
        time("gelu-backward") { GELU.backward(c.base, a.base, b.base, count: n) }
        time("exp") { for i in 0..<n { c.base[i] = fastExp(a.base[i]) } }
        time("softmax-rows-128") { for r in 0..<(n / 128) { Softmax.rowInPlace(c.base + r * 128, count: 128) } }
        let rows = n / 384, mean = ParameterBuffer(count: rows), rstd = ParameterBuffer(count: rows)
        time("layernorm-384") { LayerNorm.forward(out: c.base, mean: mean.base, rstd: rstd.base, inp: a.base, gamma: b.base, beta: b.base, rows: rows, dim: 384, eps: 1e-12) }
        var r2 = SeededRandom(seed: 2)
        time("dropout-mask") { Dropout.fillMask(c.base, count: n, p: 0.1, rng: &r2) }
    }
}

/// Sparse inference: encode speed of MiniLM-L6 pruned one-shot by magnitude to each remaining fraction,
/// dense sgemm over the zeros against the sparse kernels (the pruning plugin's `SparseInference`).
struct BenchSparse: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sparse", abstract: "Sparse vs dense encode speed at 10% and 3% remaining weights.")
    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .customLong("data-dir")) var dataDir: String?
    @Option(help: "Remaining fractions, comma-separated.") var remaining = "0.1,0.03"
    @Option var reps = 3

    func run() throws {
        let (model, tokenizer, _) = try modelOptions.load()
        let train = try TextLines.read(DataDirectory.resolve(dataDir).appendingPathComponent("glue/SST-2/train.tsv").path)
            .dropFirst().map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[0]) }
        let heads = model.config.numAttentionHeads
        let full = (0..<32).map { i in tokenizer.encode(train[(i * 40)..<((i + 1) * 40)].joined(separator: " "), maxLength: 128) }
        let real = Array(train.prefix(2000)).map { tokenizer.encode($0, maxLength: 128) }
            .sorted { $0.inputIds.count < $1.inputIds.count }
        let realBatches = stride(from: 0, to: real.count, by: 32).map { s in
            PackedBatch(sequences: real[s..<min(s + 32, real.count)].map { ($0.inputIds, $0.tokenTypeIds) }, heads: heads)
        }
        let levels = remaining.split(separator: ",").compactMap { Double($0) }
        for (name, batches) in [("full-32x128", [PackedBatch(sequences: full.map { ($0.inputIds, $0.tokenTypeIds) }, heads: heads)]),
                                ("sst2-2000-real", realBatches)] {
            for r in try PruningBench.encodeSpeed(model: model, batches: batches, remaining: levels, reps: reps) {
                var rec = r.record; rec["workload"] = "sparse-\(name)"; rec["impl"] = "bermo"; rec["threads"] = Compute.threads
                BenchEncode.emit(rec)
            }
        }
    }
}

/// Pruning's cost per training step: one SST-2 batch (32 × 64 tokens, the pruning-sst2 suite's shape), each
/// method held at its final level (10% kept for the top-k methods, τ 0.1 for soft movement), against plain
/// fine-tuning of the same model; both heads.
struct BenchPrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Training-step overhead of each pruning method (32x64 SST-2 batch).")
    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .customLong("data-dir")) var dataDir: String?
    @Option(help: "Timed steps per method (median reported).") var reps = 5

    func run() throws {
        let train = try TextLines.read(DataDirectory.resolve(dataDir).appendingPathComponent("glue/SST-2/train.tsv").path)
            .dropFirst().map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[0]) }
        for head in HeadVariant.allCases {
            let (model, tokenizer, _) = try modelOptions.load(numLabels: 2, mix: head == .bermo ? MixConfig() : nil)
            var config = FineTuneConfig(); config.perDeviceTrainBatchSize = 32; config.maxSeqLength = 64
            config.freeze = [.embeddings]
            let tuner = try FineTuner(model: model, tokenizer: tokenizer, config: config, kind: .classification(labels: ["0", "1"]))
            let seqs = (0..<32).map { i in tokenizer.encode(train[(i * 20)..<((i + 1) * 20)].joined(separator: " "), maxLength: 64) }
            let batch = PackedBatch(sequences: seqs.map { ($0.inputIds, $0.tokenTypeIds) }, heads: model.config.numAttentionHeads)
            let labels = (0..<32).map { $0 % 2 }
            let methods: [any PruningMethod] = [MagnitudePruning(), MovementPruning(), SoftMovementPruning(), L0Pruning()]
            let results = try PruningBench.stepOverhead(tuner: tuner, batch: batch, targets: .classes(labels), methods: methods, reps: reps) { m in
                let level = m.name == "soft_movement" ? 0.1 : m.name == "l0" ? 1 : 0.1
                let lambda = m.name == "soft_movement" ? 100.0 : m.name == "l0" ? 5 : 0
                let s = CubicSchedule(initialThreshold: level, finalThreshold: level, initialWarmup: 0, finalWarmup: 0,
                                      warmupSteps: 1, totalSteps: 1000, finalLambda: lambda)
                return try PruningSchedule(method: m, model: model, schedule: s)
            }
            for r in results {
                var rec = r.record; rec["head"] = head.rawValue; rec["tokens"] = batch.tokenCount
                BenchEncode.emit(rec)
            }
        }
    }
}
