import Foundation

/// Task losses, averaged over the batch as PyTorch's defaults do. Each returns the loss and writes
/// ∂loss/∂logits.
public enum Loss {
    /// Cross-entropy over `[batch, classes]` logits with integer labels.
    public static func crossEntropy(logits: UnsafePointer<Float>, labels: [Int], classes: Int,
                                    dlogits: UnsafeMutablePointer<Float>?) -> Float {
        let B = labels.count
        var total = 0.0
        for b in 0..<B {
            let z = logits + b * classes
            var m = -Float.infinity
            for c in 0..<classes { m = max(m, z[c]) }
            var s = 0.0
            for c in 0..<classes { s += Foundation.exp(Double(z[c] - m)) }
            let logSum = Double(m) + Foundation.log(s)
            total += logSum - Double(z[labels[b]])
            if let dlogits {
                for c in 0..<classes {
                    let p = Foundation.exp(Double(z[c]) - logSum)
                    dlogits[b * classes + c] = Float((p - (c == labels[b] ? 1 : 0)) / Double(B))
                }
            }
        }
        return Float(total / Double(B))
    }

    /// Mean squared error for a single regression output per example.
    public static func meanSquaredError(predictions: UnsafePointer<Float>, targets: [Float],
                                        dpredictions: UnsafeMutablePointer<Float>?) -> Float {
        let B = targets.count
        var total = 0.0
        for b in 0..<B {
            let d = predictions[b] - targets[b]
            total += Double(d * d)
            dpredictions?[b] = 2 * d / Float(B)
        }
        return Float(total / Double(B))
    }
}
