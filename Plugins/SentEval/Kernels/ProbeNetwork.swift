import BermoKernels
import Foundation

/// SentEval's probe as a small network with its own parameter buffer, gradients, Adam state and scratch:
/// logistic regression (`Linear(d, C)`) or MLP (`Linear(d, h) – Dropout – Sigmoid – Linear(h, C)`), optionally
/// preceded by BERMo's scalar mix `x = γ Σ_j softmax(w)_j h_j` over `mixInputs` layers, trained jointly.
///
/// Everything runs on the calling thread (`Gemm.single`, OpenBLAS pinned to one thread), so independent
/// probes run side by side on the `Compute` workers. Layout of `parameters`:
/// `W1 [out1, d] | b1 [out1] | W2 [C, h] | b2 [C]` (MLP only) `| w [mixInputs] | γ` (mix only), where
/// `out1` is C for logistic regression and h for the MLP.
public final class ProbeNetwork {
    let inDim: Int, hidden: Int, classes: Int, mixInputs: Int
    let maxRows: Int
    let dropout: Float
    /// Parameters that take L2 (all probe weights and biases, as SentEval's optimizer has one group).
    let decayedCount: Int
    let count: Int
    let w1: Int, b1: Int, w2: Int, b2: Int, mixW: Int, gamma: Int

    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    private let adamM: UnsafeMutablePointer<Float>, adamV: UnsafeMutablePointer<Float>
    private var steps = 0

    // Scratch, sized for `maxRows` rows.
    private let x: UnsafeMutablePointer<Float>        // mixed input [B, d] (mix only)
    private let act: UnsafeMutablePointer<Float>      // hidden pre-activation → sigmoid output [B, h]
    private let mask: UnsafeMutablePointer<Float>     // dropout mask [B, h]
    private let logits: UnsafeMutablePointer<Float>   // [B, C], then ∂loss/∂logits
    private let dAct: UnsafeMutablePointer<Float>     // [B, h]
    private let dx: UnsafeMutablePointer<Float>       // [B, d] (mix only)

    public init(inDim: Int, hidden: Int, classes: Int, mixInputs: Int, maxRows: Int, dropout: Float) {
        self.inDim = inDim; self.hidden = hidden; self.classes = classes; self.mixInputs = mixInputs
        self.maxRows = maxRows; self.dropout = dropout
        let out1 = hidden > 0 ? hidden : classes
        w1 = 0; b1 = out1 * inDim
        w2 = b1 + out1
        b2 = hidden > 0 ? w2 + classes * hidden : w2
        decayedCount = hidden > 0 ? b2 + classes : w2
        mixW = decayedCount; gamma = mixW + mixInputs
        count = mixInputs > 0 ? gamma + 1 : decayedCount
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        parameters = buffer(count); gradients = buffer(count); adamM = buffer(count); adamV = buffer(count)
        x = buffer(mixInputs > 0 ? maxRows * inDim : 0)
        dx = buffer(mixInputs > 0 ? maxRows * inDim : 0)
        act = buffer(maxRows * hidden); mask = buffer(maxRows * hidden); dAct = buffer(maxRows * hidden)
        logits = buffer(maxRows * classes)
    }

    deinit {
        for p in [parameters, gradients, adamM, adamV, x, dx, act, mask, dAct, logits] { p.deallocate() }
    }

    /// PyTorch's `nn.Linear` initialisation (weights and biases uniform in ±1/√fan_in), mix logits 0, γ 1;
    /// Adam state cleared.
    public func initialize(rng: inout SeededRandom) {
        func uniform(_ start: Int, _ n: Int, fanIn: Int) {
            let bound = 1 / Float(fanIn).squareRoot()
            for i in start..<(start + n) { parameters[i] = (2 * rng.nextUniform() - 1) * bound }
        }
        let out1 = hidden > 0 ? hidden : classes
        uniform(w1, out1 * inDim, fanIn: inDim)
        uniform(b1, out1, fanIn: inDim)
        if hidden > 0 {
            uniform(w2, classes * hidden, fanIn: hidden)
            uniform(b2, classes, fanIn: hidden)
        }
        if mixInputs > 0 {
            for j in 0..<mixInputs { parameters[mixW + j] = 0 }
            parameters[gamma] = 1
        }
        adamM.update(repeating: 0, count: count); adamV.update(repeating: 0, count: count); steps = 0
    }

    public var snapshot: [Float] { Array(UnsafeBufferPointer(start: parameters, count: count)) }
    public func restore(_ values: [Float]) { values.withUnsafeBufferPointer { parameters.update(from: $0.baseAddress!, count: count) } }

    /// The learned mix (softmax of the logits) and γ; nil without a mix.
    public var mix: (weights: [Float], gamma: Float)? {
        guard mixInputs > 0 else { return nil }
        return (ScalarMix.normalizedWeights(parameters + mixW, count: mixInputs), parameters[gamma])
    }

    /// Forward pass over `rows` inputs (`inputs` holds one `[rows, d]` matrix, or `mixInputs` of them).
    /// With `labels`, returns the loss (the mean over the rows with `meanLoss`, else their sum) and, with
    /// `computeGradients`, *sets* the gradient buffer. Without labels, leaves the logits for `predictions`.
    /// `rng` drives dropout (training).
    @discardableResult
    public func forward(inputs: [UnsafePointer<Float>], rows B: Int, labels: UnsafePointer<Int>?, meanLoss: Bool,
                        computeGradients: Bool, dropoutRng: UnsafeMutablePointer<SeededRandom>?) -> Double {
        // Programmer errors, unreachable from input (ProbeTrainer sizes the network for its batches and inputs).
        precondition(B <= maxRows && inputs.count == max(mixInputs, 1))
        let d = inDim, C = classes, h = hidden
        let xin: UnsafePointer<Float>
        if mixInputs > 0 {
            ScalarMix.forward(out: x, inputs: inputs, weights: parameters + mixW, gamma: parameters[gamma], count: B * d)
            xin = UnsafePointer(x)
        } else {
            xin = inputs[0]
        }
        let training = dropoutRng != nil && dropout > 0 && h > 0
        if h == 0 {
            linear(out: logits, inp: xin, weight: parameters + w1, bias: parameters + b1, rows: B, inDim: d, outDim: C)
        } else {
            linear(out: act, inp: xin, weight: parameters + w1, bias: parameters + b1, rows: B, inDim: d, outDim: h)
            if training {
                Dropout.fillMask(mask, count: B * h, p: dropout, rng: &dropoutRng!.pointee)
                for i in 0..<(B * h) { act[i] *= mask[i] }
            }
            for i in 0..<(B * h) { act[i] = 1 / (1 + Foundation.exp(-act[i])) }
            linear(out: logits, inp: act, weight: parameters + w2, bias: parameters + b2, rows: B, inDim: h, outDim: C)
        }
        guard let labels else { return 0 }

        // Softmax cross-entropy; logits become ∂loss/∂logits.
        let scale: Float = meanLoss ? 1 / Float(B) : 1
        var total = 0.0
        for r in 0..<B {
            let z = logits + r * C
            var m = -Float.infinity
            for c in 0..<C { m = max(m, z[c]) }
            var s: Float = 0
            for c in 0..<C { let e = Foundation.exp(z[c] - m); z[c] = e; s += e }
            let y = labels[r]
            // Unreachable from input: training labels are indices into the training split's own label set.
            precondition(y >= 0 && y < C, "training label \(y) outside 0..<\(C)")
            total -= Double(Foundation.log(max(z[y] / s, .leastNormalMagnitude)))
            let inv = scale / s
            for c in 0..<C { z[c] *= inv }
            z[y] -= scale
        }
        let loss = meanLoss ? total / Double(B) : total
        guard computeGradients else { return loss }

        gradients.update(repeating: 0, count: count)
        let dlogits = UnsafePointer(logits)
        let needDx = mixInputs > 0
        if needDx { dx.update(repeating: 0, count: B * d) }
        if h == 0 {
            linearBackward(dinp: needDx ? dx : nil, dweight: gradients + w1, dbias: gradients + b1, dout: dlogits,
                           inp: xin, weight: parameters + w1, rows: B, inDim: d, outDim: C)
        } else {
            dAct.update(repeating: 0, count: B * h)
            linearBackward(dinp: dAct, dweight: gradients + w2, dbias: gradients + b2, dout: dlogits,
                           inp: act, weight: parameters + w2, rows: B, inDim: h, outDim: C)
            // s = σ(a ⊙ mask): ∂/∂a = σ' ⊙ mask.
            for i in 0..<(B * h) {
                let s = act[i]
                dAct[i] *= s * (1 - s) * (training ? mask[i] : 1)
            }
            linearBackward(dinp: needDx ? dx : nil, dweight: gradients + w1, dbias: gradients + b1, dout: dAct,
                           inp: xin, weight: parameters + w1, rows: B, inDim: d, outDim: h)
        }
        if mixInputs > 0 {
            ScalarMix.backward(dinputs: [UnsafeMutablePointer<Float>?](repeating: nil, count: mixInputs),
                               dweights: gradients + mixW, dgamma: gradients + gamma, dout: dx, inputs: inputs,
                               weights: parameters + mixW, gamma: parameters[gamma], count: B * d)
        }
        return loss
    }

    /// Argmax of the last forward's logits per row (first maximum on ties, as `torch.max`).
    public func predictions(rows B: Int, into out: UnsafeMutablePointer<Int>) {
        for r in 0..<B {
            let z = logits + r * classes
            var best = 0
            for c in 1..<max(classes, 1) where z[c] > z[best] { best = c }
            out[r] = best
        }
    }

    /// One `torch.optim.Adam` step (L2 as coupled `weight_decay`, bias-corrected moments) over all
    /// parameters; `l2` applies to the probe's weights and biases, not to the mix.
    public func adamStep(learningRate lr: Float, l2: Float, beta1 b1: Float, beta2 b2: Float, epsilon: Float) {
        steps += 1
        let c1 = 1 - Float(pow(Double(b1), Double(steps)))
        let c2 = (1 - Float(pow(Double(b2), Double(steps)))).squareRoot()
        let stepSize = lr / c1
        for i in 0..<count {
            var g = gradients[i]
            if i < decayedCount { g += l2 * parameters[i] }
            let m = b1 * adamM[i] + (1 - b1) * g
            let v = b2 * adamV[i] + (1 - b2) * g * g
            adamM[i] = m; adamV[i] = v
            parameters[i] -= stepSize * m / (v.squareRoot() / c2 + epsilon)
        }
    }

    // The runtime's Linear, on the calling thread only (`Linear.forward` splits rows across workers,
    // which would nest inside the probe-level parallelism).
    private func linear(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>, rows: Int, inDim: Int, outDim: Int) {
        for r in 0..<rows { (out + r * outDim).update(from: bias, count: outDim) }
        Gemm.single(m: rows, n: outDim, k: inDim, a: inp, lda: inDim, b: weight, ldb: inDim, transB: true,
                    c: out, ldc: outDim, beta: 1)
    }

    /// Accumulates `dinp += dout · W`, `dweight += doutᵀ · inp`, `dbias += Σ_rows dout` (as `Linear.backward`).
    private func linearBackward(dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>,
                                dbias: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, inp: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>, rows: Int, inDim: Int, outDim: Int) {
        if let dinp {
            Gemm.single(m: rows, n: inDim, k: outDim, a: dout, lda: outDim, b: weight, ldb: inDim, transB: false,
                        c: dinp, ldc: inDim, beta: 1)
        }
        Gemm.single(m: outDim, n: inDim, k: rows, a: dout, lda: outDim, b: inp, ldb: inDim, transA: true,
                    transB: false, c: dweight, ldc: inDim, beta: 1)
        for r in 0..<rows {
            let g = dout + r * outDim
            for j in 0..<outDim { dbias[j] += g[j] }
        }
    }
}
