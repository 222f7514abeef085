/// Branch-free float approximations written so the compiler can vectorise the loops that call them
/// (libm's `expf`/`erff` are opaque calls and keep every loop scalar).
///
/// Accuracy, checked against Double-precision libm in `FastMathTests` over the ranges that matter:
/// - `fastExp`: relative error < 2e-7 on [-87, 88] (Cody–Waite reduction + degree-7 polynomial).
/// - `fastErfc`: relative error < 4e-7·max(1, x²) (Chebyshev fit, Numerical Recipes §6.2, `erfcc`, whose
///   1.2e-7 fit error is joined in the tail by float rounding of the exponent −x²).
/// Both are far below the 1e-4 parity tolerance against PyTorch and near float's own rounding.
public enum FastMath {
    /// `out[i] = fastExp(inp[i])`: the loop shape every kernel's use of `fastExp` takes, compiled here with
    /// the kernels' flags, so `bermo bench kernels` times `fastExp` as the kernels run it.
    public static func exp(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = fastExp(inp[i]) }
    }
}

/// `@inlinable` so other modules' loops (e.g. the pruning masks) inline it and stay vectorised.
@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    // Clamp so that 2^n stays a normal float: below -87.3 the result is ~1e-38, effectively zero.
    let x = Swift.min(Swift.max(x, -87.3), 88.3)
    let t = x * 1.442695040888963  // x / ln 2
    let shifted = t + 12582912.0  // 1.5 * 2^23: the integer nearest t lands in the low mantissa bits
    let n = shifted - 12582912.0  // round to nearest integer
    // r = x - n ln2, with ln2 split in a high part exact in float and a low correction.
    let r = (x - n * 0.693145751953125) - n * 1.428606765330187e-06
    var p: Float = 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    // 2^n: shifted's bit pattern minus that of 1.5 * 2^23 is n (|n| < 2^22), so no Float-to-Int conversion,
    // whose range check (in a module built with checks) would keep the caller's loop from vectorising.
    let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    return p * scale
}

/// Complementary error function (Numerical Recipes `erfcc`): fractional error below 1.2e-7 everywhere.
@inlinable @inline(__always)
public func fastErfc(_ x: Float) -> Float {
    let z = Swift.abs(x)
    let t = 1 / (1 + 0.5 * z)
    var p: Float = 0.17087277
    p = p * t - 0.82215223
    p = p * t + 1.48851587
    p = p * t - 1.13520398
    p = p * t + 0.27886807
    p = p * t - 0.18628806
    p = p * t + 0.09678418
    p = p * t + 0.37409196
    p = p * t + 1.00002368
    p = p * t - 1.26551223
    let ans = t * fastExp(-z * z + p)
    return x >= 0 ? ans : 2 - ans
}

@inlinable @inline(__always)
public func fastErf(_ x: Float) -> Float { 1 - fastErfc(x) }
