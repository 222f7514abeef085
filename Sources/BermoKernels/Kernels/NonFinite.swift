import COpenBLAS

/// Counting NaN and infinite values in a buffer: how loading notices a checkpoint with broken weights.
///
/// OpenBLAS's `sasum` (Σ|x|, optimised even in a debug build) is NaN or infinite exactly when some value is,
/// or when finite values sum past Float's range (~3.4e38, never for real weights); only then are the values
/// counted one by one, so a clean 22M-weight checkpoint costs a few milliseconds.
public enum NonFinite {
    public static func count(_ x: UnsafePointer<Float>, count n: Int) -> Int {
        let chunk = 1 << 30  // sasum takes a 32-bit length
        var start = 0, found = 0
        while start < n {
            let length = min(chunk, n - start)
            if !cblas_sasum(Int32(length), x + start, 1).isFinite {
                for i in start..<(start + length) where !x[i].isFinite { found += 1 }
            }
            start += length
        }
        return found
    }
}
