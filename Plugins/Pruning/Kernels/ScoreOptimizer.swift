import BermoKernels
import Foundation

/// AdamW for the mask scores, kept apart from the model's optimizer as emmental keeps them in their own
/// parameter group: own learning rate, no weight decay (transformers' `AdamW` default of 0 for that
/// group), bias-corrected moments, the same linear schedule factor as the model.
public final class ScoreOptimizer {
    public let count: Int
    public let beta1: Float, beta2: Float, eps: Float
    public let m: ParameterBuffer, v: ParameterBuffer
    public private(set) var step = 0

    public init(count: Int, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8) {
        self.count = count; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps
        m = ParameterBuffer(count: count); v = ParameterBuffer(count: count)
    }

    /// One update of `scores` from `gradients` at learning rate `lr` (0 = no-op, the moments untouched).
    public func update(scores: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, lr: Float) {
        guard lr != 0 else { return }
        step += 1
        let b1 = beta1, b2 = beta2, eps = eps
        let c1 = 1 - Float(pow(Double(b1), Double(step))), c2 = 1 - Float(pow(Double(b2), Double(step)))
        let r1 = 1 / c1, r2 = 1 / c2
        let mm = m.base, vv = v.base
        Compute.parallelRanges(count, grain: 65536) { r in
            // Written 8 wide by hand: with four pointers in play the compiler leaves this loop scalar.
            var i = r.lowerBound
            let vb1 = SIMD8<Float>(repeating: b1), vb2 = SIMD8<Float>(repeating: b2)
            let va1 = SIMD8<Float>(repeating: 1 - b1), va2 = SIMD8<Float>(repeating: 1 - b2)
            let vc1 = SIMD8<Float>(repeating: r1), vc2 = SIMD8<Float>(repeating: r2)
            let veps = SIMD8<Float>(repeating: eps), vlr = SIMD8<Float>(repeating: lr)
            let g8 = UnsafeRawPointer(gradients), m8 = UnsafeMutableRawPointer(mm), v8 = UnsafeMutableRawPointer(vv)
            let s8 = UnsafeMutableRawPointer(scores)
            while i + 8 <= r.upperBound {
                let o = i * 4
                let g = g8.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                let mi = vb1 * m8.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + va1 * g
                let vi = vb2 * v8.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) + va2 * g * g
                m8.storeBytes(of: mi, toByteOffset: o, as: SIMD8<Float>.self)
                v8.storeBytes(of: vi, toByteOffset: o, as: SIMD8<Float>.self)
                let step = vlr * (mi * vc1) / ((vi * vc2).squareRoot() + veps)
                s8.storeBytes(of: s8.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) - step, toByteOffset: o, as: SIMD8<Float>.self)
                i += 8
            }
            while i < r.upperBound {
                let g = gradients[i]
                let mi = b1 * mm[i] + (1 - b1) * g
                let vi = b2 * vv[i] + (1 - b2) * g * g
                mm[i] = mi; vv[i] = vi
                scores[i] -= lr * (mi * r1) / ((vi * r2).squareRoot() + eps)
                i += 1
            }
        }
    }

    /// Restores the step (resuming a run; the moments are restored into `m` and `v`).
    public func restore(step: Int) { self.step = step }
}
