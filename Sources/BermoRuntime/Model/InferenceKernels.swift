/// Custom kernels for the encoder projections of inference-mode forward passes (no dropout: encoding
/// and evaluation). Training-mode passes and the backward pass always use the dense weights (or the
/// effective weights a pruning schedule installed), so a stale kernel can never affect training.
extension BertModel {
    /// Installs kernels keyed by the offset of the projection's weight in the layout: one of a layer's
    /// `qkvWeight` (the fused `[3H, H]` block), `attnOutWeight`, `interWeight`, `outWeight`. An empty
    /// dictionary restores the dense path everywhere.
    public func setInferenceKernels(_ kernels: [Int: any LinearKernel]) throws {
        let H = config.hiddenSize, I = config.intermediateSize
        var shapes: [Int: (inDim: Int, outDim: Int, name: String)] = [:]
        for (l, w) in layout.layers.enumerated() {
            let p = "encoder.layer.\(l)."
            shapes[w.qkvWeight] = (H, 3 * H, p + "attention.self.{query,key,value}.weight")
            shapes[w.attnOutWeight] = (H, H, p + "attention.output.dense.weight")
            shapes[w.interWeight] = (H, I, p + "intermediate.dense.weight")
            shapes[w.outWeight] = (I, H, p + "output.dense.weight")
        }
        for (offset, k) in kernels {
            guard let s = shapes[offset] else {
                throw RuntimeError("setInferenceKernels: offset \(offset) is not the start of an encoder projection weight; key kernels by a layer's qkvWeight, attnOutWeight, interWeight or outWeight")
            }
            guard k.inDim == s.inDim, k.outDim == s.outDim else {
                throw RuntimeError("setInferenceKernels: the kernel for \(s.name) is [\(k.outDim), \(k.inDim)] but the layer needs [\(s.outDim), \(s.inDim)]; build it from that weight")
            }
        }
        inferenceKernels = kernels
    }

    /// One encoder projection: the installed kernel in inference mode, else sgemm on the (effective) weight.
    @inline(__always)
    func project(_ weightOffset: Int, out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
                 bias: UnsafePointer<Float>, rows: Int, inDim: Int, outDim: Int, training: Bool) {
        if !training, !inferenceKernels.isEmpty, let k = inferenceKernels[weightOffset] {
            k.forward(out: out, inp: inp, bias: bias, rows: rows)
        } else {
            Linear.forward(out: out, inp: inp, weight: encoderWeight(weightOffset), bias: bias,
                           rows: rows, inDim: inDim, outDim: outDim)
        }
    }
}
