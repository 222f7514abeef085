import BermoRuntime
import Foundation

/// AdamW for the mask scores, kept apart from the model's optimizer as emmental keeps them in their own
/// parameter group: own learning rate, no weight decay (transformers' `AdamW` default of 0 for that
/// group), bias-corrected moments, the same linear schedule factor as the model.
public final class ScoreOptimizer: @unchecked Sendable {
    public let count: Int
    public let beta1: Float, beta2: Float, eps: Float
    public let m: ParameterBuffer, v: ParameterBuffer
    public internal(set) var step = 0

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
        let mm = m.base, vv = v.base
        Compute.parallelRanges(count, grain: 65536) { r in
            for i in r {
                let g = gradients[i]
                let mi = b1 * mm[i] + (1 - b1) * g
                let vi = b2 * vv[i] + (1 - b2) * g * g
                mm[i] = mi; vv[i] = vi
                scores[i] -= lr * (mi / c1) / ((vi / c2).squareRoot() + eps)
            }
        }
    }
}
