/// Horizontal reductions with 8 independent lanes. Swift keeps floating-point addition in source order,
/// so a plain `s += x[i]` loop cannot vectorise; these accumulate 8 partial results side by side and
/// combine them at the end (a different but fixed summation order).
public enum Reductions {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0), i = 0
        while i + 8 <= count { acc += load(x, i); i += 8 }
        var s = acc.sum()
        while i < count { s += x[i]; i += 1 }
        return s
    }

    @inline(__always)
    public static func max(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: -.infinity), i = 0
        while i + 8 <= count { acc = pointwiseMax(acc, load(x, i)); i += 8 }
        var m = acc.max()
        while i < count { m = Swift.max(m, x[i]); i += 1 }
        return m
    }

    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0), i = 0
        while i + 8 <= count { acc += load(a, i) * load(b, i); i += 8 }
        var s = acc.sum()
        while i < count { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// Σ (x − c)².
    @inline(__always)
    public static func centeredSquares(_ x: UnsafePointer<Float>, count: Int, center c: Float) -> Float {
        var acc = SIMD8<Float>(repeating: 0), i = 0
        let cv = SIMD8<Float>(repeating: c)
        while i + 8 <= count { let d = load(x, i) - cv; acc += d * d; i += 8 }
        var s = acc.sum()
        while i < count { let d = x[i] - c; s += d * d; i += 1 }
        return s
    }

    /// Block length of the blocked sums: Float lanes inside a block, Double across blocks.
    public static let block = 1 << 16

    /// Σ x[i] over a long buffer: two 8-lane Float accumulators per block of `block` values, blocks added
    /// in order in Double, so millions of values keep their precision and the order is fixed.
    public static func blockedSum(_ x: UnsafePointer<Float>, count: Int) -> Double {
        blocked(x, count, lanes: { acc, v in acc + v }, scalar: { $0 })
    }

    /// Σ x[i]² with the same blocking as `blockedSum`.
    public static func blockedSumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        blocked(x, count, lanes: { acc, v in acc.addingProduct(v, v) }, scalar: { $0 * $0 })
    }

    @inline(__always)
    private static func blocked(_ p: UnsafePointer<Float>, _ n: Int,
                                lanes: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, scalar: (Float) -> Float) -> Double {
        var total = 0.0, i = 0
        while i < n {
            let end = Swift.min(n, i + block)
            var a = SIMD8<Float>(), b = SIMD8<Float>()
            var j = i
            while j + 16 <= end {
                a = lanes(a, load(p, j))
                b = lanes(b, load(p, j + 8))
                j += 16
            }
            var s = (a + b).sum()
            while j < end { s += scalar(p[j]); j += 1 }
            total += Double(s); i = end
        }
        return total
    }
}
