import BermoKernels

/// The element loops of the score-based masks (what each method means is in `PruningMethod.swift`): here,
/// beside the `PruningMath` they inline, so they build like the other kernels and run 8 floats wide.
public enum ScoreMasks {
    /// Soft movement: `mask = 1[sigmoid(s) > tau]`.
    public static func sigmoidThreshold(_ mask: UnsafeMutablePointer<Float>, scores s: UnsafePointer<Float>,
                                        count n: Int, tau: Float) {
        for i in 0..<n { mask[i] = PruningMath.sigmoid(s[i]) > tau ? 1 : 0 }
    }

    /// Hard-concrete gates in training (L0), stretched to `(l, r)` at temperature `beta`, and their
    /// derivative: `u` from `noise` clamped to [1e-4, 0.9999], `g = sigmoid((log u − log(1−u) + s)/β)`,
    /// `mask = clamp(g·(r−l) + l, 0, 1)`, `∂mask/∂s = (r−l)·g(1−g)/β` inside the clamp, 0 outside.
    public static func hardConcrete(_ mask: UnsafeMutablePointer<Float>, maskGrad dm: UnsafeMutablePointer<Float>,
                                    scores s: UnsafePointer<Float>, count n: Int, noise rng: CounterRandom,
                                    l: Float, r: Float, beta: Float) {
        let invBeta = 1 / beta, span = r - l
        for i in 0..<n {
            let u = min(max(rng.uniform(i), 0.0001), 0.9999)
            let noise = PruningMath.log(u / (1 - u))
            let g = PruningMath.sigmoid((noise + s[i]) * invBeta)
            let stretched = g * span + l
            mask[i] = min(max(stretched, 0), 1)
            // torch.clamp passes the gradient where min <= x <= max.
            dm[i] = stretched >= 0 && stretched <= 1 ? span * g * (1 - g) * invBeta : 0
        }
    }

    /// The deterministic hard-concrete gates (evaluation, export): `mask = clamp(sigmoid(s)·(r−l) + l, 0, 1)`.
    public static func hardConcreteEvaluation(_ mask: UnsafeMutablePointer<Float>, scores s: UnsafePointer<Float>,
                                              count n: Int, l: Float, r: Float) {
        for i in 0..<n { mask[i] = min(max(PruningMath.sigmoid(s[i]) * (r - l) + l, 0), 1) }
    }

    /// `Σ sigmoid(s_i − shift)` and, optionally, `d_i += scale·σ(1−σ)` (a penalty and its gradient):
    /// sigmoids into a block buffer first (an elementwise loop that vectorises), then an 8-wide sum.
    public static func sigmoidPenalty(_ s: UnsafePointer<Float>, count n: Int, shift: Float, gradientScale: Float,
                                      into dScores: UnsafeMutablePointer<Float>?) -> Double {
        let block = 4096
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: block) { buf in
            let g = buf.baseAddress!
            var total = 0.0, i = 0
            while i < n {
                let len = min(block, n - i), src = s + i
                for j in 0..<len { g[j] = PruningMath.sigmoid(src[j] - shift) }
                if let d = dScores {
                    let dst = d + i
                    for j in 0..<len { dst[j] += gradientScale * g[j] * (1 - g[j]) }
                }
                total += Reductions.blockedSum(g, count: len)
                i += len
            }
            return total
        }
    }
}
