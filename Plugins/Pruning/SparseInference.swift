import BermoRuntime
import PruningKernels

/// Sparse kernels for a whole pruned model.
public enum SparseInference {
    /// Blocks at or below this density use the sparse kernel (measured on MiniLM-L6, 2 cores: see the
    /// pruning plugin's notes; at higher densities sgemm on the zeros is faster).
    public static let defaultMaxDensity = 0.3

    /// Kernels for every encoder projection of `model` (reading its effective weights when a pruning
    /// schedule installed them), keyed for `BertModel.setInferenceKernels`. Projections none of whose
    /// blocks is sparse enough are left out (they stay on the dense path).
    public static func kernels(for model: BertModel, maxDensity: Double = defaultMaxDensity) -> [Int: any LinearKernel] {
        let H = model.config.hiddenSize, I = model.config.intermediateSize
        let source = model.effectiveWeights ?? model.parameters
        var out: [Int: any LinearKernel] = [:]
        for w in model.layout.layers {
            for (offset, outDim, inDim, block) in [(w.qkvWeight, 3 * H, H, H), (w.attnOutWeight, H, H, H),
                                                   (w.interWeight, I, H, I), (w.outWeight, H, I, H)] {
                let k = SparseLinear(weight: source[offset], outDim: outDim, inDim: inDim, blockRows: block, maxDensity: maxDensity)
                if k.hasSparseBlock { out[offset] = k }
            }
        }
        return out
    }

    /// Installs sparse kernels on `model` for inference (encoding, evaluation) and returns how many
    /// projections got one. They are a snapshot: call again after the weights change, or
    /// `model.setInferenceKernels([:])` to go back to dense.
    @discardableResult
    public static func install(on model: BertModel, maxDensity: Double = defaultMaxDensity) throws -> Int {
        let k = kernels(for: model, maxDensity: maxDensity)
        try model.setInferenceKernels(k)
        return k.count
    }
}
