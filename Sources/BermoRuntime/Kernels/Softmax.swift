/// Row-wise softmax, in place, numerically stable (max subtracted).
public enum Softmax {
    @inline(__always)
    public static func rowInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var m = -Float.infinity
        for i in 0..<count { m = Swift.max(m, x[i]) }
        var s: Float = 0
        for i in 0..<count { let e = fastExp(x[i] - m); x[i] = e; s += e }
        let inv = 1 / s
        for i in 0..<count { x[i] *= inv }
    }

    /// Gradient through y = softmax(x): dx = y ⊙ (dy − ⟨dy, y⟩); `dx` may alias `dy`.
    @inline(__always)
    public static func rowBackward(dx: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                                   y: UnsafePointer<Float>, count: Int, scale: Float = 1) {
        var dot: Float = 0
        for i in 0..<count { dot += dy[i] * y[i] }
        for i in 0..<count { dx[i] = scale * y[i] * (dy[i] - dot) }
    }
}
