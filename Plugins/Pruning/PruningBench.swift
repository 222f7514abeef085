import BermoBench
import BermoRuntime
import Foundation

/// Speed measurements for pruned models, shaped like `bermo bench` records (one flat JSON-able
/// dictionary per workload; `BenchRecord` adds `impl` and `blas_core`), timed with `BenchTimer`.
/// `bermo bench sparse` and `bermo bench prune` run them; run those in a release build.
public enum PruningBench {
    public struct EncodeResult: Codable, Sendable {
        /// Fraction of the masked matrices' weights kept.
        public var remaining: Double
        public var tokens: Int
        public var denseSecondsPerPass: Double
        public var sparseSecondsPerPass: Double
        public var speedup: Double { denseSecondsPerPass / sparseSecondsPerPass }
        /// Largest |sparse − dense| over the last hidden state (the two paths must agree).
        public var maxAbsDifference: Double
        /// Projections that ran the sparse kernel.
        public var sparseProjections: Int

        public var record: [String: Any] {
            ["workload": "encode-pruned", "remaining": remaining, "tokens": tokens,
             "dense_seconds": denseSecondsPerPass, "sparse_seconds": sparseSecondsPerPass, "speedup": speedup,
             "max_abs_difference": maxAbsDifference, "sparse_projections": sparseProjections,
             "threads": Compute.threads]
        }
    }

    /// Encode speed of `model` pruned one-shot by per-matrix magnitude to each `remaining` fraction:
    /// the dense path (sgemm over the zeroed weights) against the sparse kernels, over `batches`
    /// (median of `reps` passes over all of them). The model's weights are restored afterwards.
    public static func encodeSpeed(model: BertModel, batches: [PackedBatch], remaining: [Double],
                                   maxDensity: Double = SparseInference.defaultMaxDensity, reps: Int = 5) throws -> [EncodeResult] {
        let original = ParameterBuffer(count: model.layout.total, zeroed: false)
        original.copy(from: model.parameters)
        defer { model.parameters.copy(from: original); try? model.setInferenceKernels([:]) }
        let acts = Activations()
        let H = model.config.hiddenSize, L = model.config.numHiddenLayers
        let tokens = batches.reduce(0) { $0 + $1.tokenCount }
        func pass() -> [Float] {
            var last: [Float] = []
            for b in batches {
                model.forwardEncoder(b, acts)
                last += UnsafeBufferPointer(start: acts.hiddenState(L), count: b.tokenCount * H)
            }
            return last
        }
        // `pass()` runs just before each timing, so it is the warm-up.
        func time() -> Double { BenchTimer.median(reps: reps, warmup: 0) { for b in batches { model.forwardEncoder(b, acts) } } }
        var results: [EncodeResult] = []
        let scratch = TopKSelection.Scratch()
        for v in remaining {
            model.parameters.copy(from: original)
            try model.setInferenceKernels([:])
            for m in model.prunableMatrices {
                let n = m.rows * m.cols, w = model.parameters[m.offset]
                let keys = (0..<n).map { TopKSelection.magnitudeKey(w[$0]) }
                var mask = [Float](repeating: 0, count: n)
                keys.withUnsafeBufferPointer { k in
                    mask.withUnsafeMutableBufferPointer {
                        TopKSelection.mask($0.baseAddress!, keys: k, keep: TopKSelection.keptCount(fraction: v, count: n), scratch: scratch)
                    }
                }
                for i in 0..<n { w[i] *= mask[i] }
            }
            let dense = pass()
            let tDense = time()
            let installed = try SparseInference.install(on: model, maxDensity: maxDensity)
            let sparse = pass()
            let tSparse = time()
            var diff: Float = 0
            for i in dense.indices { diff = max(diff, abs(dense[i] - sparse[i])) }
            results.append(EncodeResult(remaining: v, tokens: tokens, denseSecondsPerPass: tDense, sparseSecondsPerPass: tSparse,
                                        maxAbsDifference: Double(diff), sparseProjections: installed))
        }
        return results
    }

    public struct StepResult: Codable, Sendable {
        public var method: String
        public var secondsPerStep: Double
        /// Relative to plain fine-tuning of the same model and batch (0.1 = 10% slower).
        public var overhead: Double
        public var record: [String: Any] {
            ["workload": "train-pruned", "method": method, "seconds_per_step": secondsPerStep,
             "overhead": overhead, "threads": Compute.threads]
        }
    }

    /// Training-step time of `tuner` with each pruning method attached against none (median of `reps`
    /// steps after one warm-up step, on the same batch). `makeSchedule` builds a method's schedule for
    /// the tuner's model; the tuner's hook is restored afterwards. `trainStep` does not advance the
    /// tuner's step, so every timed step is the schedule's step `tuner.step`: build schedules whose
    /// threshold there is the one to measure (e.g. initial = final = the target).
    public static func stepOverhead(tuner: FineTuner, batch: PackedBatch, targets: Targets,
                                    methods: [any PruningMethod], reps: Int = 5,
                                    makeSchedule: (any PruningMethod) throws -> PruningSchedule) throws -> [StepResult] {
        let saved = tuner.hook
        defer { tuner.hook = saved; tuner.model.setEffectiveWeights(nil) }
        func time() -> Double { BenchTimer.median(reps: reps, warmup: 1) { _ = tuner.trainStep(batch, targets: targets, factor: 1) } }
        tuner.hook = nil
        tuner.model.setEffectiveWeights(nil)
        let base = time()
        var out = [StepResult(method: "dense", secondsPerStep: base, overhead: 0)]
        for m in methods {
            let s = try makeSchedule(m)
            tuner.hook = s
            let t = time()
            out.append(StepResult(method: m.name, secondsPerStep: t, overhead: t / base - 1))
            tuner.hook = nil
            tuner.model.setEffectiveWeights(nil)
        }
        return out
    }
}
