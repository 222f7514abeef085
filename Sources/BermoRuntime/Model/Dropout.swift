/// Inverted dropout with masks drawn from a seeded generator, so a training run is reproducible.
/// A mask holds 0 or 1/(1−p) per element; forward multiplies by it, backward multiplies by it again.
public enum Dropout {
    public static func fillMask(_ mask: UnsafeMutablePointer<Float>, count: Int, p: Float, rng: inout SeededRandom) {
        let keep = 1 / (1 - p)
        for i in 0..<count { mask[i] = rng.nextUniform() < p ? 0 : keep }
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
