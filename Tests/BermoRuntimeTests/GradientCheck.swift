import BermoTestSupport
import BermoRuntime
import Foundation
import Testing

/// Central finite differences against an analytic gradient, in float32 with the loss summed in Double.
/// With step h = 1e-2 the truncation error is O(h²) ≈ 1e-4 relative and float rounding adds
/// ~1e-7·|loss|/h; the tolerance `1e-3 + 1e-2·|g|` sits above both and far below any real bug
/// (a wrong sign, factor or missing term moves a gradient by O(|g|)).
enum GradientCheck {
    static func random(_ n: Int, _ rng: inout SeededRandom, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in scale * rng.nextNormal() }
    }

    /// Compares `analytic[i]` with (loss(x + h e_i) − loss(x − h e_i)) / 2h at the given indices,
    /// perturbing `values` in place through `pointer` (restored afterwards).
    static func check(_ name: String, pointer: UnsafeMutablePointer<Float>, analytic: UnsafePointer<Float>,
                      indices: [Int], h: Float = 1e-2, loss: () -> Double) {
        var failures: [String] = []
        for i in indices {
            let saved = pointer[i]
            pointer[i] = saved + h; let up = loss()
            pointer[i] = saved - h; let down = loss()
            pointer[i] = saved
            let numeric = (up - down) / Double(2 * h)
            let a = Double(analytic[i])
            if abs(a - numeric) > 1e-3 + 1e-2 * abs(numeric) { failures.append("[\(i)] analytic \(a) numeric \(numeric)") }
        }
        #expect(failures.isEmpty, "\(name): \(failures.prefix(5).joined(separator: "; "))")
    }

    static func dot(_ a: UnsafePointer<Float>, _ b: [Float]) -> Double {
        var s = 0.0
        for i in b.indices { s += Double(a[i]) * Double(b[i]) }
        return s
    }

    /// Up to `count` spread-out indices of a tensor of size n.
    static func sample(_ n: Int, count: Int = 12) -> [Int] {
        n <= count ? Array(0..<n) : (0..<count).map { $0 * n / count + ($0 * 7919) % max(1, n / count) }
    }
}

extension Array where Element == Float {
    /// A mutable base pointer that lives as long as the array is not resized (tests keep arrays fixed).
    var ptr: UnsafeMutablePointer<Float> {
        mutating get { withUnsafeMutableBufferPointer { $0.baseAddress! } }
    }
}
