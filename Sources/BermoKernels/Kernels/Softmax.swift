/// Row-wise softmax, in place, numerically stable (max subtracted).
public enum Softmax {
    @inline(__always)
    public static func rowInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let m = Reductions.max(x, count: count)
        for i in 0..<count { x[i] = fastExp(x[i] - m) }   // no reduction here, so this loop vectorises
        let inv = 1 / Reductions.sum(x, count: count)
        for i in 0..<count { x[i] *= inv }
    }

    /// Gradient through y = softmax(x), in place: d ← scale · y ⊙ (d − ⟨d, y⟩). In place with two
    /// pointers, so the loop vectorises (see `Residual`).
    @inline(__always)
    public static func rowBackwardInPlace(_ d: UnsafeMutablePointer<Float>, y: UnsafePointer<Float>, count: Int, scale: Float = 1) {
        let dot = Reductions.dot(d, y, count: count)
        for i in 0..<count { d[i] = scale * y[i] * (d[i] - dot) }
    }

}
