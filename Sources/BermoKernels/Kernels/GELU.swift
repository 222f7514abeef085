/// Exact (erf) GELU, as BERT's `hidden_act: "gelu"`: `gelu(x) = x * Φ(x) = 0.5 x (1 + erf(x/√2))`.
///
/// Written through erfc so that large negative inputs keep their relative precision:
/// Φ(x) = 0.5 * erfc(-x/√2).
public enum GELU {
    @inline(__always) static func phi(_ x: Float) -> Float { 0.5 * fastErfc(-x * 0.70710678118654752) }

    /// out[i] = gelu(inp[i]); `out` may alias `inp`.
    public static func forward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int) {
        Compute.parallelRanges(count, grain: 16384) { r in
            for i in r { let x = inp[i]; out[i] = x * phi(x) }
        }
    }

    /// dinp[i] = dout[i] * gelu'(inp[i]) with gelu'(x) = Φ(x) + x φ(x) and φ(x) = exp(-x²/2)/√(2π).
    /// `dinp` may alias `dout`.
    public static func backward(_ dinp: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>,
                                _ dout: UnsafePointer<Float>, count: Int) {
        Compute.parallelRanges(count, grain: 16384) { r in
            for i in r {
                let x = inp[i]
                let pdf = 0.3989422804014327 * fastExp(-0.5 * x * x)
                dinp[i] = dout[i] * (phi(x) + x * pdf)
            }
        }
    }
}
