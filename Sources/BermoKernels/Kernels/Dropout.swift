/// Inverted dropout with masks drawn from a seeded generator, so a training run is reproducible.
/// A mask holds 0 or 1/(1−p) per element; forward multiplies by it, backward multiplies by it again.
///
/// Each mask takes one 64-bit draw from the run's generator as its key; element i's uniform is then a
/// hash of (key, i) (murmur3's 32-bit finaliser), so a mask is filled in parallel, 8 lanes at a time,
/// and the run still depends on nothing but its seed.
public enum Dropout {
    public static func fillMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, rng: inout SeededRandom) {
        let key = rng.next()
        let k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
        let keep = 1 / (1 - p)
        let cut = UInt32(min(Double(p) * 16_777_216.0, 16_777_216.0))  // p in units of 2^-24
        Compute.parallelRanges(count, grain: 65536) { r in
            for i in r {
                var h = UInt32(truncatingIfNeeded: i) &* 0x9E37_79B9 ^ k0
                h = (h ^ (h >> 16)) &* 0x85EB_CA6B
                h = (h ^ (h >> 13)) &* 0xC2B2_AE35
                h = (h ^ (h >> 16)) ^ k1
                h = (h ^ (h >> 15)) &* 0x2C1B_3C6D
                mask[i] = (h >> 8) < cut ? 0 : keep
            }
        }
    }

    /// x *= mask, elementwise (forward and backward are the same product).
    public static func apply(_ x: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        Compute.parallelRanges(count, grain: 16384) { r in
            for i in r { x[i] *= mask[i] }
        }
    }
}

/// What a training-mode forward needs: probabilities and the generator the masks come from.
public struct DropoutSettings: Sendable {
    public var hidden: Float, attention: Float
    public var rng: SeededRandom
    public init(hidden: Float, attention: Float, rng: SeededRandom) {
        self.hidden = hidden; self.attention = attention; self.rng = rng
    }
}
