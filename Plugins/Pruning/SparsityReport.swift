import BermoRuntime

/// Remaining weights, counted two ways:
/// - over the pruned matrices only (the six linear layers of every encoder layer), and
/// - over every encoder parameter, as movement pruning's `counts_parameters.py` does: the kept entries of
///   the masked matrices plus every encoder bias and LayerNorm parameter (always kept), divided by all
///   encoder parameters (`encoder.layer.*`; embeddings, pooler, head and BERMo mix are outside).
public struct SparsityReport: Codable, Sendable, Equatable {
    public struct Matrix: Codable, Sendable, Equatable {
        public var name: String
        public var total: Int
        public var remaining: Int
        public var remainingFraction: Double { total == 0 ? 0 : Double(remaining) / Double(total) }
    }

    public var matrices: [Matrix]
    /// Encoder parameters outside the pruned matrices (biases, LayerNorms).
    public var encoderUnprunedParameters: Int

    public var prunedMatrixWeights: Int { matrices.reduce(0) { $0 + $1.total } }
    public var remainingMatrixWeights: Int { matrices.reduce(0) { $0 + $1.remaining } }
    /// Fraction of the pruned matrices' weights still in use.
    public var remainingFraction: Double { Double(remainingMatrixWeights) / Double(max(prunedMatrixWeights, 1)) }
    public var sparsity: Double { 1 - remainingFraction }
    public var encoderParameters: Int { prunedMatrixWeights + encoderUnprunedParameters }
    public var remainingEncoderParameters: Int { remainingMatrixWeights + encoderUnprunedParameters }
    /// `counts_parameters.py`'s "Remaining Weights (global)", as a fraction.
    public var encoderRemainingFraction: Double { Double(remainingEncoderParameters) / Double(max(encoderParameters, 1)) }

    public init(matrices: [Matrix], encoderUnprunedParameters: Int) {
        self.matrices = matrices; self.encoderUnprunedParameters = encoderUnprunedParameters
    }

    /// Encoder parameters that no method prunes (every `.encoder` tensor outside `prunableMatrices`).
    public static func unprunedEncoderParameters(_ model: BertModel) -> Int {
        let encoder = model.layout.tensors.filter { $0.group == .encoder }.reduce(0) { $0 + $1.count }
        return encoder - model.prunableMatrices.reduce(0) { $0 + $1.rows * $1.cols }
    }

    /// Counts the non-zero entries of the model's prunable matrices (e.g. of an exported, zeroed model
    /// loaded back). A dense model reports (almost) 100%.
    public static func measure(_ model: BertModel) -> SparsityReport {
        let w = model.parameters
        let matrices = model.prunableMatrices.map { m -> Matrix in
            let p = w[m.offset], n = m.rows * m.cols
            var nz = 0
            for i in 0..<n where p[i] != 0 { nz += 1 }
            return Matrix(name: m.name, total: n, remaining: nz)
        }
        return SparsityReport(matrices: matrices, encoderUnprunedParameters: unprunedEncoderParameters(model))
    }
}
