/// BERMo's ELMo-style layer mix (AllenNLP `ScalarMix` semantics):
/// `out = gamma * Σ_j softmax(w)_j * h_j`, optionally with each `h_j` first normalised by the mean
/// and variance of *all* its elements (AllenNLP's `do_layer_norm`, one statistic per tensor, eps 1e-12).
///
/// The op works on any `[rows, dim]` tensors: whole token sequences, or the pooled vectors a head
/// reads. Mixing is linear, so mixing pooled vectors equals pooling the mixed sequence (not so with
/// `layerNorm`, whose statistics depend on which rows are passed; the caller documents which).
public enum ScalarMix {
    public static func normalizedWeights(_ w: UnsafePointer<Float>, count: Int) -> [Float] {
        var s = Array(UnsafeBufferPointer(start: w, count: count))
        s.withUnsafeMutableBufferPointer { Softmax.rowInPlace($0.baseAddress!, count: count) }
        return s
    }

    /// Per-input statistics for the layer-norm option: (mean, 1/sqrt(var + 1e-12)), reduced in Double.
    static func stats(_ x: UnsafePointer<Float>, count: Int) -> (Float, Float) {
        var s = 0.0
        for i in 0..<count { s += Double(x[i]) }
        let m = s / Double(count)
        var v = 0.0
        for i in 0..<count { let d = Double(x[i]) - m; v += d * d }
        return (Float(m), Float(1 / (v / Double(count) + 1e-12).squareRoot()))
    }

    /// `normStats` receives 2 floats per input (mean, rstd) when `layerNorm` is on.
    public static func forward(
        out: UnsafeMutablePointer<Float>, inputs: [UnsafePointer<Float>], weights: UnsafePointer<Float>,
        gamma: Float, count: Int, layerNorm: Bool = false, normStats: UnsafeMutablePointer<Float>? = nil
    ) {
        let s = normalizedWeights(weights, count: inputs.count)
        out.update(repeating: 0, count: count)
        for (j, h) in inputs.enumerated() {
            var a = gamma * s[j], b: Float = 0
            if layerNorm {
                let (m, rs) = stats(h, count: count)
                normStats?[2 * j] = m; normStats?[2 * j + 1] = rs
                b = -m * rs * a; a *= rs
            }
            Compute.parallelRanges(count, grain: 16384) { r in
                for i in r { out[i] += a * h[i] + b }
            }
        }
    }

    /// Accumulates `dinputs[j] += ∂L/∂h_j` (nil entries skipped), `dweights += ∂L/∂w`, `dgamma += ∂L/∂gamma`.
    public static func backward(
        dinputs: [UnsafeMutablePointer<Float>?], dweights: UnsafeMutablePointer<Float>?,
        dgamma: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, inputs: [UnsafePointer<Float>],
        weights: UnsafePointer<Float>, gamma: Float, count: Int,
        layerNorm: Bool = false, normStats: UnsafePointer<Float>? = nil
    ) {
        let n = inputs.count
        let s = normalizedWeights(weights, count: n)
        // g_j = Σ dout ⊙ ĥ_j, where ĥ_j is h_j or its normalised form.
        var g = [Float](repeating: 0, count: n)
        for j in 0..<n {
            let h = inputs[j]
            let (m, rs): (Float, Float) = layerNorm ? (normStats![2 * j], normStats![2 * j + 1]) : (0, 1)
            var acc = 0.0
            for i in 0..<count { acc += Double(dout[i]) * Double((h[i] - m) * rs) }
            g[j] = Float(acc)
            guard let dh = dinputs[j] else { continue }
            let a = gamma * s[j]
            if layerNorm {
                // Through x̂ = (x − m)·rs over the whole tensor: dx = rs (dy − mean(dy) − x̂ mean(dy ⊙ x̂)).
                var sumDy = 0.0
                for i in 0..<count { sumDy += Double(dout[i]) }
                let meanDy = Float(sumDy / Double(count)), meanDyXhat = g[j] / Float(count)
                for i in 0..<count {
                    let xhat = (h[i] - m) * rs
                    dh[i] += a * rs * (dout[i] - meanDy - xhat * meanDyXhat)
                }
            } else {
                Compute.parallelRanges(count, grain: 16384) { r in
                    for i in r { dh[i] += a * dout[i] }
                }
            }
        }
        // out = gamma Σ s_j ĥ_j  ⇒  ∂L/∂gamma = Σ_j s_j g_j,  ∂L/∂s_j = gamma g_j, then through softmax.
        if let dgamma {
            var dg: Float = 0
            for j in 0..<n { dg += s[j] * g[j] }
            dgamma[0] += dg
        }
        if let dweights {
            var dot: Float = 0
            for j in 0..<n { dot += s[j] * gamma * g[j] }
            for j in 0..<n { dweights[j] += s[j] * (gamma * g[j] - dot) }
        }
    }
}
