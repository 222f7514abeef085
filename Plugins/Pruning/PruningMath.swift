import BermoRuntime

/// Branch-free element functions the mask loops call (vectorisable, unlike libm's).
enum PruningMath {
    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }

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

/// Counter-based uniform numbers (SplitMix64 of `seed + index·γ`): element `i` of a matrix at a step
/// gets the same number whatever the thread split, so seeded L0 runs are reproducible and the loop that
/// draws them vectorises.
public struct CounterRandom: Sendable, Equatable {
    public let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    /// A stream for one (step, matrix): different seeds for every pair.
    public init(seed: UInt64, step: Int, matrix: Int) {
        self.seed = CounterRandom.mix(seed ^ CounterRandom.mix(UInt64(step) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(matrix)))
    }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits, for element `i`.
    @inline(__always) public func uniform(_ i: Int) -> Float {
        Float(CounterRandom.mix(seed &+ UInt64(i) &* 0xD1B5_4A32_D192_ED03) >> 40) * (1.0 / 16_777_216.0)
    }
}
