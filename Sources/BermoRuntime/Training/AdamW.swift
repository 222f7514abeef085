import Foundation

/// AdamW (Loshchilov & Hutter; PyTorch's `torch.optim.AdamW` update, bias-corrected) over the flat
/// parameter buffer: one loop over the layout's tensors, each with its group's learning rate and
/// weight decay only on matrices (biases, LayerNorm and the BERMo mix are excluded, as in run_glue).
public final class AdamW {
    public struct Hyper: Codable, Sendable, Equatable {
        public var beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01
        public init(beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
            self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        }
    }

    public let layout: ParameterLayout
    public let hyper: Hyper
    public let m: ParameterBuffer, v: ParameterBuffer
    public private(set) var step = 0

    public init(layout: ParameterLayout, hyper: Hyper = Hyper()) {
        self.layout = layout; self.hyper = hyper
        m = ParameterBuffer(count: layout.total); v = ParameterBuffer(count: layout.total)
    }

    /// One update. `learningRates[group]` of nil or 0 leaves that group untouched (frozen).
    public func update(parameters: ParameterBuffer, gradients: ParameterBuffer,
                       learningRates: [ParameterLayout.Group: Float]) {
        step += 1
        let b1 = hyper.beta1, b2 = hyper.beta2, eps = hyper.eps
        let c1 = 1 - Float(pow(Double(b1), Double(step))), c2 = 1 - Float(pow(Double(b2), Double(step)))
        for t in layout.tensors {
            guard let lr = learningRates[t.group], lr != 0 else { continue }
            let decay = t.decays ? 1 - lr * hyper.weightDecay : 1
            let p = parameters[t.offset], g = gradients[t.offset], mm = m[t.offset], vv = v[t.offset]
            Compute.parallelRanges(t.count, grain: 16384) { r in
                for i in r {
                    let gi = g[i]
                    let mi = b1 * mm[i] + (1 - b1) * gi
                    let vi = b2 * vv[i] + (1 - b2) * gi * gi
                    mm[i] = mi; vv[i] = vi
                    p[i] = p[i] * decay - lr * (mi / c1) / ((vi / c2).squareRoot() + eps)
                }
            }
        }
    }

    /// Restores the moments and step (resuming a run).
    public func restore(step: Int) { self.step = step }
}

/// Global-norm gradient clipping (PyTorch's `clip_grad_norm_`): returns the norm before clipping.
///
/// The squared norm is summed over fixed blocks (`Reductions.blockedSumOfSquares`: 8-lane Float inside a
/// block, blocks combined in order in Double), so the result does not depend on the thread count, and the blocks
/// run on our workers: a plain `s += g·g` loop over 22M gradients is a scalar dependency chain that cost
/// about as much as the optimizer itself on short-sentence batches. `squaredNorm` and `scale` are public so
/// that a training hook clipping jointly with its own parameters (pruning scores) uses the same pieces.
public enum GradientClipping {
    @discardableResult
    public static func clip(_ grads: ParameterBuffer, layout: ParameterLayout,
                            groups: Set<ParameterLayout.Group>, maxNorm: Float) -> Float {
        let norm = Float(squaredNorm(grads, layout: layout, groups: groups).squareRoot())
        guard maxNorm > 0, norm.isFinite, norm > maxNorm else { return norm }
        scale(grads, layout: layout, groups: groups, by: maxNorm / (norm + 1e-6))
        return norm
    }

    /// Σ g² over the tensors of `groups`, each tensor summed in fixed blocks on the workers.
    public static func squaredNorm(_ grads: ParameterBuffer, layout: ParameterLayout, groups: Set<ParameterLayout.Group>) -> Double {
        var sum = 0.0
        for t in layout.tensors where groups.contains(t.group) { sum += squaredNorm(grads[t.offset], count: t.count) }
        return sum
    }

    /// Σ p[i]² for one buffer: the same blocks as `Reductions.blockedSumOfSquares`, run in parallel.
    public static func squaredNorm(_ p: UnsafePointer<Float>, count: Int) -> Double {
        let block = Reductions.block, blocks = (count + block - 1) / block
        var partial = [Double](repeating: 0, count: blocks)
        partial.withUnsafeMutableBufferPointer { out in
            Compute.parallelRanges(blocks) { r in
                for b in r {
                    let start = b * block
                    out[b] = Reductions.blockedSumOfSquares(p + start, count: Swift.min(block, count - start))
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Multiplies the gradients of `groups` by `factor`.
    public static func scale(_ grads: ParameterBuffer, layout: ParameterLayout, groups: Set<ParameterLayout.Group>, by factor: Float) {
        for t in layout.tensors where groups.contains(t.group) { scale(grads[t.offset], count: t.count, by: factor) }
    }

    /// Multiplies `count` values at `p` by `factor`, on the workers.
    public static func scale(_ p: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        Compute.parallelRanges(count, grain: 16384) { r in for i in r { p[i] *= factor } }
    }
}
