/// The encoder's forward pass: embeddings, then each post-LN transformer layer, reading like
/// Hugging Face's `BertModel` (and its `modeling_bert.py` names) one op at a time.
extension BertModel {
    public var attentionShape: Attention.Shape {
        Attention.Shape(hidden: config.hiddenSize, heads: config.numAttentionHeads)
    }

    /// Fills `acts.hiddenState(0...numLayers)` for `batch`. With `dropout` set the pass runs in
    /// training mode: masks are drawn from `rng` and kept in `acts` for the backward pass.
    public func forwardEncoder(_ batch: PackedBatch, _ acts: Activations,
                               dropout: (hidden: Float, attention: Float)? = nil, rng: inout SeededRandom) {
        let c = config, L = layout
        let N = batch.tokenCount, H = c.hiddenSize, I = c.intermediateSize, eps = Float(c.layerNormEps)
        acts.prepare(for: batch, config: c, training: dropout != nil)
        let training = dropout != nil
        let pHidden = dropout?.hidden ?? 0, pAttn = dropout?.attention ?? 0

        // embeddings = dropout(LayerNorm(word + position + token_type))
        Embedding.forward(out: acts[acts.embSum], batch: batch, word: p(L.wordEmbeddings),
                          position: p(L.positionEmbeddings), tokenType: p(L.tokenTypeEmbeddings), dim: H)
        LayerNorm.forward(out: acts.hiddenState(0), mean: acts[acts.embMean], rstd: acts[acts.embRstd],
                          inp: acts[acts.embSum], gamma: p(L.embLnGamma), beta: p(L.embLnBeta), rows: N, dim: H, eps: eps)
        if training {
            Dropout.fillMask(acts[acts.embDropMask], count: N * H, p: pHidden, rng: &rng)
            Dropout.apply(acts.hiddenState(0), mask: acts[acts.embDropMask], count: N * H)
        }

        for (l, w) in L.layers.enumerated() {
            let a = acts.layers[l]
            let x = acts.hiddenState(l)
            // Self-attention: fused QKV projection, per-head softmax(QKᵀ/√d)·V.
            project(w.qkvWeight, out: acts[a.qkv], inp: x, bias: p(w.qkvBias), rows: N, inDim: H, outDim: 3 * H,
                    training: training)
            if training { Dropout.fillMask(acts[a.attnDropMask], count: acts.attentionSize, p: pAttn, rng: &rng) }
            Attention.forward(ctx: acts[a.ctx], probs: acts[a.probs], qkv: acts[a.qkv], batch: batch,
                              shape: attentionShape,
                              dropoutMask: training ? UnsafePointer(acts[a.attnDropMask]) : nil,
                              droppedProbs: training ? acts[a.droppedProbs] : nil)
            // BertSelfOutput: LayerNorm(dropout(dense(ctx)) + x)
            project(w.attnOutWeight, out: acts[a.r1], inp: acts[a.ctx], bias: p(w.attnOutBias), rows: N, inDim: H, outDim: H,
                    training: training)
            if training {
                Dropout.fillMask(acts[a.attnOutDropMask], count: N * H, p: pHidden, rng: &rng)
                Dropout.apply(acts[a.r1], mask: acts[a.attnOutDropMask], count: N * H)
            }
            Residual.addInPlace(acts[a.r1], x, count: N * H)
            LayerNorm.forward(out: acts[a.y1], mean: acts[a.ln1Mean], rstd: acts[a.ln1Rstd], inp: acts[a.r1],
                              gamma: p(w.ln1Gamma), beta: p(w.ln1Beta), rows: N, dim: H, eps: eps)
            // BertIntermediate + BertOutput: LayerNorm(dropout(dense(gelu(dense(y1)))) + y1)
            project(w.interWeight, out: acts[a.fc], inp: acts[a.y1], bias: p(w.interBias), rows: N, inDim: H, outDim: I,
                    training: training)
            GELU.forward(acts[a.act], acts[a.fc], count: N * I)
            project(w.outWeight, out: acts[a.r2], inp: acts[a.act], bias: p(w.outBias), rows: N, inDim: I, outDim: H,
                    training: training)
            if training {
                Dropout.fillMask(acts[a.ffnDropMask], count: N * H, p: pHidden, rng: &rng)
                Dropout.apply(acts[a.r2], mask: acts[a.ffnDropMask], count: N * H)
            }
            Residual.addInPlace(acts[a.r2], acts[a.y1], count: N * H)
            LayerNorm.forward(out: acts.hiddenState(l + 1), mean: acts[a.ln2Mean], rstd: acts[a.ln2Rstd],
                              inp: acts[a.r2], gamma: p(w.ln2Gamma), beta: p(w.ln2Beta), rows: N, dim: H, eps: eps)
        }
    }

    /// Inference-mode forward (no dropout).
    public func forwardEncoder(_ batch: PackedBatch, _ acts: Activations) {
        var unused = SeededRandom(seed: 0)
        forwardEncoder(batch, acts, dropout: nil, rng: &unused)
    }
}
