/// Pruning without copying the model: the six weight matrices of every encoder layer (query, key,
/// value, attention output, intermediate, output) can be read from a second buffer holding the
/// *effective* weights `W' = M ⊙ W`, which a pruning schedule refreshes from the dense weights and
/// its mask before each step. The dense weights stay where they are and keep training.
///
/// With effective weights installed, `backward` writes `∂L/∂W'` at each matrix's offset in the
/// gradient buffer; the schedule turns that into `∂L/∂W = ∂L/∂W' ⊙ M` (and its score gradients,
/// e.g. movement's `∂L/∂S = ∂L/∂W' ⊙ W`) before the optimizer step.
extension BertModel {
    /// The prunable matrices: (Hugging Face name, offset, rows, columns), in layer order. The fused
    /// QKV block appears as its three `[H, H]` matrices so each is pruned on its own, as the
    /// movement-pruning reference does.
    public var prunableMatrices: [(name: String, offset: Int, rows: Int, cols: Int)] {
        let H = config.hiddenSize, I = config.intermediateSize
        return layout.layers.enumerated().flatMap { l, w -> [(String, Int, Int, Int)] in
            let p = "encoder.layer.\(l)."
            return [(p + "attention.self.query.weight", w.qkvWeight, H, H),
                    (p + "attention.self.key.weight", w.qkvWeight + H * H, H, H),
                    (p + "attention.self.value.weight", w.qkvWeight + 2 * H * H, H, H),
                    (p + "attention.output.dense.weight", w.attnOutWeight, H, H),
                    (p + "intermediate.dense.weight", w.interWeight, I, H),
                    (p + "output.dense.weight", w.outWeight, H, I)]
        }
    }

    /// Installs (or, with nil, removes) the buffer of effective weights. It has the parameters'
    /// layout; only the prunable matrices' regions are read.
    public func setEffectiveWeights(_ buffer: ParameterBuffer?) {
        // A programmer error, unreachable from input: pruning builds the buffer from this model's layout.
        precondition(buffer == nil || buffer!.count == layout.total, "effective weights must have the parameters' layout")
        effectiveWeights = buffer
    }

    /// Where the forward and backward passes read an encoder matrix from.
    @inline(__always) func encoderWeight(_ offset: Int) -> UnsafeMutablePointer<Float> {
        (effectiveWeights ?? parameters)[offset]
    }
}
