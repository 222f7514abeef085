import BermoRuntime

/// The elementwise kernels in isolation (ns per element, one thread): what is left of a step beside
/// the matrix products, and what a vectorisation change moves.
public struct KernelsBenchmark: Benchmark {
    public struct Options: Settings {
        @Setting("reps", .in(1...1000), help: "Timed passes per kernel (median reported).")
        public var reps = 5
        @Setting("rows", .in(1...100_000), help: "Rows of 1,536 floats per pass (4,096 rows: a 32x128 batch's FFN activations).")
        public var rows = 4096
        public init() {}
    }

    public init() {}
    public var name: String { "kernels" }
    public var summary: String { "ns/element of the elementwise kernels (one thread; ignores --model and --threads)." }

    public func run(options: Options, context: BenchContext) throws {
        Compute.configure(threads: 1)
        let n = options.rows * 1536
        let a = ParameterBuffer(count: n), b = ParameterBuffer(count: n), c = ParameterBuffer(count: n)
        var rng = SeededRandom(seed: 1)
        for i in 0..<n { a.base[i] = 3 * rng.nextNormal(); b.base[i] = rng.nextNormal() }
        func time(_ name: String, _ body: () -> Void) throws {
            let t = BenchTimer.median(reps: options.reps, warmup: 1, body)
            try context.emit(["workload": "kernel-\(name)", "ns_per_element": t * 1e9 / Double(n)])
        }
        try time("gelu-forward") { GELU.forward(c.base, a.base, count: n) }
        try time("gelu-backward") { GELU.backward(c.base, a.base, b.base, count: n) }
        try time("exp") { FastMath.exp(c.base, a.base, count: n) }
        try time("softmax-rows-128") { for r in 0..<(n / 128) { Softmax.rowInPlace(c.base + r * 128, count: 128) } }
        let rows = n / 384, mean = ParameterBuffer(count: rows), rstd = ParameterBuffer(count: rows)
        try time("layernorm-384") {
            LayerNorm.forward(out: c.base, mean: mean.base, rstd: rstd.base, inp: a.base, gamma: b.base, beta: b.base, rows: rows, dim: 384, eps: 1e-12)
        }
        var dropoutRNG = SeededRandom(seed: 2)
        try time("dropout-mask") { Dropout.fillMask(c.base, count: n, p: 0.1, rng: &dropoutRNG) }
    }
}
