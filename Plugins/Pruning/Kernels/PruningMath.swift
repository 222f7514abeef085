import BermoKernels

/// Branch-free element functions the mask loops (`ScoreMasks`) call (vectorisable, unlike libm's).
enum PruningMath {
    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// The runtime's polynomial e^x (inlinable across modules, so the mask loops stay vectorised).
    @inline(__always) static func exp(_ x: Float) -> Float { fastExp(x) }

    /// Natural log of a positive normal float: exponent split plus the atanh series of the mantissa
    /// reduced to [√½, √2); relative error ~1e-7.
    @inline(__always) static func log(_ x: Float) -> Float {
        let bits = x.bitPattern
        var e = Float(Int32(bitPattern: (bits >> 23) & 0xFF) - 127)
        var m = Float(bitPattern: (bits & 0x7F_FFFF) | 0x3F80_0000)
        let big = m > 1.41421356
        m = big ? m * 0.5 : m
        e = big ? e + 1 : e
        let z = (m - 1) / (m + 1), z2 = z * z
        var p: Float = 2.0 / 9.0
        p = p * z2 + 2.0 / 7.0
        p = p * z2 + 2.0 / 5.0
        p = p * z2 + 2.0 / 3.0
        p = p * z2 + 2.0
        return z * p + e * 0.6931471805599453
    }
}

/// Counter-based uniform numbers: element `i` of a matrix at a step gets `hash(i + key)` with a 32-bit
/// integer hash (Wellons' lowbias32, 32-bit multiplies only, so the loop vectorises), keyed per
/// (seed, step, matrix) by SplitMix64. The same element gets the same number whatever the thread split,
/// so seeded L0 runs are reproducible.
public struct CounterRandom: Sendable, Equatable {
    public let key: UInt32, salt: UInt32

    public init(seed: UInt64) {
        let z = CounterRandom.mix(seed)
        key = UInt32(truncatingIfNeeded: z); salt = UInt32(truncatingIfNeeded: z >> 32)
    }

    /// A stream for one (step, matrix): different keys for every pair.
    public init(seed: UInt64, step: Int, matrix: Int) {
        self.init(seed: seed ^ CounterRandom.mix(UInt64(bitPattern: Int64(step)) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(matrix)))
    }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always) static func hash(_ v: UInt32) -> UInt32 {
        var x = v
        x ^= x >> 16; x &*= 0x7FEB_352D
        x ^= x >> 15; x &*= 0x846C_A68B
        x ^= x >> 16
        return x
    }

    /// Uniform in [0, 1) with 24 bits, for element `i`.
    @inline(__always) public func uniform(_ i: Int) -> Float {
        let h = CounterRandom.hash((UInt32(truncatingIfNeeded: i) &* 0x9E37_79B9 &+ key) ^ salt)
        return Float(h >> 8) * (1.0 / 16_777_216.0)
    }
}
