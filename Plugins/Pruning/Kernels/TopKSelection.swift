/// Exact top-k masks in linear time: floats are mapped to order-preserving `UInt32` keys and the k-th
/// largest key is found by two 16-bit radix histograms (no sort, so it runs every step on every matrix).
///
/// Ties at the cut are broken by index (lowest first), so exactly `k` entries are kept and the mask is
/// deterministic. emmental's `TopKBinarizer` sorts and keeps `idx[:k]` of `torch.sort`, which also keeps
/// exactly `k` but breaks ties in an unspecified order.
public enum TopKSelection {
    /// Order-preserving key of a float: `a < b ⇔ key(a) < key(b)` (for non-NaN values).
    @inlinable @inline(__always) public static func key(_ x: Float) -> UInt32 {
        let b = x.bitPattern
        return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
    }

    /// Order-preserving key of `|x|`.
    @inlinable @inline(__always) public static func magnitudeKey(_ x: Float) -> UInt32 { x.bitPattern & 0x7FFF_FFFF }

    /// Number of entries a top-k method keeps of `count` at kept fraction `fraction`: `int(fraction·count)`,
    /// computed in Double as Python does.
    @inlinable @inline(__always) public static func keptCount(fraction: Double, count: Int) -> Int {
        max(0, min(count, Int(fraction * Double(count))))
    }

    /// Per-worker scratch: a 65,536-bin histogram.
    public final class Scratch {
        let histogram = UnsafeMutablePointer<UInt32>.allocate(capacity: 65536)
        public init() {}
        deinit { histogram.deallocate() }
    }

    /// The cut for keeping the `k` largest of `keys`: every key above `key` is kept, plus the first
    /// `ties` entries equal to it. `k` must lie in 1...count.
    public struct Cut: Equatable, Sendable {
        public var key: UInt32
        public var ties: Int
    }

    /// Finds the cut over several key arrays at once (global top-k uses all matrices).
    public static func cut(_ parts: [UnsafeBufferPointer<UInt32>], keep k: Int, scratch: Scratch) -> Cut {
        let h = scratch.histogram
        h.initialize(repeating: 0, count: 65536)
        for p in parts { for x in p { h[Int(x >> 16)] &+= 1 } }
        var above = 0, high = 65535
        while true {
            let c = Int(h[high])
            if above + c >= k { break }
            above += c; high -= 1
        }
        h.initialize(repeating: 0, count: 65536)
        let hb = UInt32(high)
        for p in parts { for x in p where x >> 16 == hb { h[Int(x & 0xFFFF)] &+= 1 } }
        var low = 65535
        while true {
            let c = Int(h[low])
            if above + c >= k { break }
            above += c; low -= 1
        }
        return Cut(key: hb << 16 | UInt32(low), ties: k - above)
    }

    /// Writes a 0/1 mask keeping exactly the `k` largest keys (ties by lowest index).
    public static func mask(_ mask: UnsafeMutablePointer<Float>, keys: UnsafeBufferPointer<UInt32>, keep k: Int,
                            scratch: Scratch) {
        let n = keys.count
        if k <= 0 { mask.update(repeating: 0, count: n); return }
        if k >= n { mask.update(repeating: 1, count: n); return }
        let c = cut([keys], keep: k, scratch: scratch)
        apply(c, mask: mask, keys: keys, tiesSeen: 0)
    }

    /// Writes the mask of a cut over one array; `tiesSeen` ties were already kept before it (global
    /// top-k walks the matrices in order). Returns the ties kept so far.
    @discardableResult
    public static func apply(_ c: Cut, mask: UnsafeMutablePointer<Float>, keys: UnsafeBufferPointer<UInt32>,
                             tiesSeen: Int) -> Int {
        let t = c.key, n = keys.count
        let k = keys.baseAddress!
        for i in 0..<n { mask[i] = k[i] > t ? 1 : 0 }
        var seen = tiesSeen
        if seen < c.ties {
            for i in 0..<n where k[i] == t {
                mask[i] = 1; seen += 1
                if seen == c.ties { break }
            }
        }
        return seen
    }
}
