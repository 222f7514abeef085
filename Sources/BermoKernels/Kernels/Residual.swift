/// The residual connections, `a += b`, in place. Two pointers on purpose: an `out = a + b` loop with
/// `out == a` fails the compiler's overlap check and runs unvectorised.
public enum Residual {
    /// a += b.
    public static func addInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
        Compute.parallelRanges(count, grain: 16384) { r in
            for i in r { a[i] += b[i] }
        }
    }
}
