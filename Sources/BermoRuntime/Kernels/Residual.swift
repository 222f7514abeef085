/// `out = a + b`, elementwise (the residual connections). `out` may alias `a` or `b`.
public enum Residual {
    public static func forward(_ out: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                               _ b: UnsafePointer<Float>, count: Int) {
        Compute.parallelRanges(count, grain: 16384) { r in
            for i in r { out[i] = a[i] + b[i] }
        }
    }
}
