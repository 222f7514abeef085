extension BertModel {
    /// Multiply-adds ×2 of one token's encoder forward pass at sequence length T: the four H×H
    /// projections, the two H×I FFN matrices, and attention's QKᵀ and P·V. Used to turn timings into
    /// GFLOP/s against the measured sgemm ceiling.
    public func flopsPerToken(sequenceLength T: Int) -> Double {
        let H = Double(config.hiddenSize), I = Double(config.intermediateSize), L = Double(config.numHiddenLayers)
        return L * 2 * (4 * H * H + 2 * H * I + 2 * Double(T) * H)
    }
}
