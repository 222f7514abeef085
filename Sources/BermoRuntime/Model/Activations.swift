/// All activations of one forward pass in one flat buffer (llm.c style), sized for a `PackedBatch`.
/// The buffer grows to the largest batch seen and is reused, so steady-state encoding and training
/// allocate nothing. Everything the backward pass reads is kept here; dropout masks exist only
/// when the forward runs in training mode.
public final class Activations {
    public struct LayerOffsets: Sendable {
        public let qkv, probs, ctx, r1, ln1Mean, ln1Rstd, y1, fc, act, r2, ln2Mean, ln2Rstd: Int
        /// Dropout masks (0 or 1/(1−p)) and dropped probabilities; -1 in eval mode.
        public let attnDropMask, droppedProbs, attnOutDropMask, ffnDropMask: Int
    }

    public private(set) var tokens = 0, attentionSize = 0, training = false
    public private(set) var embSum = 0, embMean = 0, embRstd = 0, embDropMask = -1
    /// hidden[l] for l in 0...numLayers: embedding output, then each encoder layer's output.
    public private(set) var hidden: [Int] = []
    public private(set) var layers: [LayerOffsets] = []
    private(set) var storage: ParameterBuffer = ParameterBuffer(count: 0)

    public init() {}

    /// Lays out (and if needed grows) the buffer for `batch`. Contents are undefined afterwards.
    public func prepare(for batch: PackedBatch, config: BertConfig, training: Bool) {
        let N = batch.tokenCount, H = config.hiddenSize, I = config.intermediateSize
        let A = batch.attentionSize(heads: config.numAttentionHeads)
        tokens = N; attentionSize = A; self.training = training
        var total = 0
        func take(_ n: Int) -> Int { defer { total += n }; return total }
        embSum = take(N * H); embMean = take(N); embRstd = take(N)
        embDropMask = training ? take(N * H) : -1
        hidden = (0...config.numHiddenLayers).map { _ in take(N * H) }
        layers = (0..<config.numHiddenLayers).map { _ in
            LayerOffsets(
                qkv: take(N * 3 * H), probs: take(A), ctx: take(N * H), r1: take(N * H),
                ln1Mean: take(N), ln1Rstd: take(N), y1: take(N * H), fc: take(N * I), act: take(N * I),
                r2: take(N * H), ln2Mean: take(N), ln2Rstd: take(N),
                attnDropMask: training ? take(A) : -1, droppedProbs: training ? take(A) : -1,
                attnOutDropMask: training ? take(N * H) : -1, ffnDropMask: training ? take(N * H) : -1)
        }
        // Grow geometrically: encoding walks batches in increasing length, and every reallocation
        // costs page faults on fresh memory.
        if storage.count < total { storage = ParameterBuffer(count: max(total, storage.count * 2), zeroed: false) }
    }

    @inline(__always) public subscript(offset: Int) -> UnsafeMutablePointer<Float> { storage.base + offset }
    /// Hidden state `l` (0 = embeddings) as a `[tokens, hidden]` matrix.
    @inline(__always) public func hiddenState(_ l: Int) -> UnsafeMutablePointer<Float> { storage.base + hidden[l] }
    public var allocatedFloats: Int { storage.count }
}
