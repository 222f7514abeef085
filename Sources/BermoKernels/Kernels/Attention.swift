/// Multi-head self-attention over a *packed* batch: the sequences' tokens are concatenated with no
/// padding (`PackedBatch`), so no mask is needed and no work is spent on pad tokens. This gives the
/// same values as Hugging Face's padded batch, whose additive mask makes pad keys weigh exactly 0.
///
/// `qkv` is `[tokens, 3H]` (query | key | value, as the fused projection writes it); head `h` of a
/// sequence reads columns `h*d ..< (h+1)*d` of each third. Per (sequence, head) the products are small
/// (T×T×d), so they run single-threaded sgemms on our own workers, spread round-robin so long and
/// short sequences share out evenly.
public enum Attention {
    /// Geometry shared by forward and backward.
    public struct Shape {
        public let hidden: Int, heads: Int
        public var headDim: Int { hidden / heads }
        public init(hidden: Int, heads: Int) { self.hidden = hidden; self.heads = heads }
    }

    /// probs[s][h] = softmax(QKᵀ/√d) (optionally dropped out), ctx = probs · V.
    /// `dropoutMask`, when given, holds per-probability multipliers (0 or 1/(1-p)) laid out like
    /// `probs`; the pre-dropout probabilities stay in `probs` for the backward pass and the dropped
    /// ones go to `droppedProbs`.
    public static func forward(
        ctx: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
        qkv: UnsafePointer<Float>, batch: PackedBatch, shape: Shape,
        dropoutMask: UnsafePointer<Float>? = nil, droppedProbs: UnsafeMutablePointer<Float>? = nil
    ) {
        let H = shape.hidden, d = shape.headDim, heads = shape.heads
        let scale = 1 / Float(d).squareRoot()
        let tasks = batch.count * heads
        let workers = max(1, min(Compute.threads, tasks))
        Compute.parallel(workers) { w in
            var task = w
            while task < tasks {
                let s = task / heads, h = task % heads
                let T = batch.lengths[s], o = batch.offsets[s]
                let p = probs + batch.attentionOffsets[s] + h * T * T
                let q = qkv + o * 3 * H + h * d
                Gemm.single(m: T, n: T, k: d, a: q, lda: 3 * H, b: q + H, ldb: 3 * H, transB: true,
                            c: p, ldc: T, alpha: scale)
                for row in 0..<T { Softmax.rowInPlace(p + row * T, count: T) }
                var used = UnsafePointer(p)
                if let dropoutMask, let droppedProbs {
                    let m = dropoutMask + batch.attentionOffsets[s] + h * T * T
                    let dp = droppedProbs + batch.attentionOffsets[s] + h * T * T
                    for i in 0..<(T * T) { dp[i] = p[i] * m[i] }
                    used = UnsafePointer(dp)
                }
                Gemm.single(m: T, n: d, k: T, a: used, lda: T, b: q + 2 * H, ldb: 3 * H, transB: false,
                            c: ctx + o * H + h * d, ldc: H)
                task += workers
            }
        }
    }

    /// Accumulates into `dqkv` (`+=`) from `dctx`. Reads the probabilities (and dropout) the forward kept.
    public static func backward(
        dqkv: UnsafeMutablePointer<Float>, dctx: UnsafePointer<Float>,
        qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>, batch: PackedBatch, shape: Shape,
        dropoutMask: UnsafePointer<Float>? = nil, droppedProbs: UnsafePointer<Float>? = nil
    ) {
        let H = shape.hidden, d = shape.headDim, heads = shape.heads
        let scale = 1 / Float(d).squareRoot()
        let tasks = batch.count * heads
        let workers = max(1, min(Compute.threads, tasks))
        let maxT = batch.lengths.max() ?? 0
        Compute.parallel(workers) { w in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxT * maxT))
            defer { scratch.deallocate() }
            var task = w
            while task < tasks {
                let s = task / heads, h = task % heads
                let T = batch.lengths[s], o = batch.offsets[s]
                let at = batch.attentionOffsets[s] + h * T * T
                let p = probs + at
                let q = qkv + o * 3 * H + h * d, k = q + H, v = q + 2 * H
                let dq = dqkv + o * 3 * H + h * d, dk = dq + H, dv = dq + 2 * H
                let dc = dctx + o * H + h * d
                let used = (droppedProbs.map { $0 + at }) ?? p
                // dV += Pᵀ · dctx
                Gemm.single(m: T, n: d, k: T, a: used, lda: T, b: dc, ldb: H, transA: true, transB: false,
                            c: dv, ldc: 3 * H, beta: 1)
                // dP = dctx · Vᵀ  (into scratch), through dropout, then through softmax (with 1/√d).
                let dP = scratch
                Gemm.single(m: T, n: T, k: d, a: dc, lda: H, b: v, ldb: 3 * H, transB: true, c: dP, ldc: T)
                if let dropoutMask {
                    let m = dropoutMask + at
                    for i in 0..<(T * T) { dP[i] *= m[i] }
                }
                for row in 0..<T {
                    Softmax.rowBackwardInPlace(dP + row * T, y: p + row * T, count: T, scale: scale)
                }
                // dQ += dS · K ; dK += dSᵀ · Q
                Gemm.single(m: T, n: d, k: T, a: dP, lda: T, b: k, ldb: 3 * H, transB: false,
                            c: dq, ldc: 3 * H, beta: 1)
                Gemm.single(m: T, n: d, k: T, a: dP, lda: T, b: q, ldb: 3 * H, transA: true, transB: false,
                            c: dk, ldc: 3 * H, beta: 1)
                task += workers
            }
        }
    }
}
