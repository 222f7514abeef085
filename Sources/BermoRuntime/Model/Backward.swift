/// The backward pass of `forwardEncoder` + `forwardHead`, op by op in reverse, each op's backward
/// living beside its forward in `Kernels/`. Parameter gradients are *accumulated* into `grads`
/// (same layout as the parameters), so gradient accumulation over micro-batches is free.
extension BertModel {
    /// - Parameters:
    ///   - dlogits: ∂loss/∂logits, `[batch, numLabels]` (from `loss(_:_:dlogits:)`).
    ///   - trainable: groups whose gradients are wanted; frozen groups are skipped, and the encoder
    ///     backward stops as low as nothing below needs a gradient (a frozen encoder costs nothing).
    public func backward(_ batch: PackedBatch, _ acts: Activations, _ head: HeadActivations,
                         dlogits: UnsafePointer<Float>, grads: ParameterBuffer, scratch g: GradientScratch,
                         trainable: Set<ParameterLayout.Group> = Set(ParameterLayout.Group.allCases)) {
        let L = layout, c = config
        let N = batch.tokenCount, B = batch.count, H = c.hiddenSize, I = c.intermediateSize, C = numLabels
        g.prepare(tokens: N, batch: B, config: c, classes: C, mixSize: mixLayers.count)
        func grad(_ offset: Int, _ group: ParameterLayout.Group) -> UnsafeMutablePointer<Float>? {
            trainable.contains(group) ? grads[offset] : nil
        }
        let encoderTrainable = trainable.contains(.encoder) || trainable.contains(.embeddings)

        // Classifier, dropout, pooler tanh, pooler dense.
        g.zero(g.dpooled, B * H)
        let classifierInput = head.training ? head.dropped.base : head.pooled.base
        Linear.backward(dinp: g[g.dpooled], dweight: grad(L.classifierWeight!, .classifier),
                        dbias: grad(L.classifierBias!, .classifier), dout: dlogits, inp: classifierInput,
                        weight: p(L.classifierWeight!), rows: B, inDim: H, outDim: C)
        if head.training { Dropout.apply(g[g.dpooled], mask: head.dropMask.base, count: B * H) }
        Tanh.backward(g[g.dpooled], out: head.pooled.base, dout: g[g.dpooled], count: B * H)
        let needFeature = encoderTrainable || (mix != nil && trainable.contains(.mix))
        g.zero(g.dfeature, B * H)
        Linear.backward(dinp: needFeature ? g[g.dfeature] : nil, dweight: grad(L.poolerWeight, .pooler),
                        dbias: grad(L.poolerBias, .pooler), dout: g[g.dpooled], inp: head.feature.base,
                        weight: p(L.poolerWeight), rows: B, inDim: H, outDim: H)

        // The feature: the BERMo mix (gradients for every mixed layer's [CLS], w and gamma) or the last [CLS].
        var injections: [Int: UnsafeMutablePointer<Float>] = [:]  // hidden index -> dCLS [B, H]
        if let mix, let wOff = L.mixWeights, let gOff = L.mixGamma {
            for d in g.dmix { g.zero(d, B * H) }
            ScalarMix.backward(
                dinputs: encoderTrainable ? g.dmix.map { g[$0] } : g.dmix.map { _ in nil },
                dweights: mix.trainable ? grad(wOff, .mix) : nil, dgamma: mix.trainable ? grad(gOff, .mix) : nil,
                dout: g[g.dfeature], inputs: head.mixInputs.map { UnsafePointer($0.base) },
                weights: p(wOff), gamma: p(gOff)[0], count: B * H,
                layerNorm: mix.layerNorm, normStats: head.mixStats.base)
            for (j, l) in mixLayers.enumerated() { injections[l] = g[g.dmix[j]] }
        } else {
            injections[c.numHiddenLayers] = g[g.dfeature]
        }
        guard encoderTrainable else { return }

        // Running gradient of hidden[l+1] in dres; each layer writes hidden[l]'s into dx, then they swap.
        var dres = g.dres, dx = g.dx
        g.zero(dres, N * H)
        func inject(_ index: Int, into d: UnsafeMutablePointer<Float>) {
            guard let dcls = injections[index] else { return }
            for s in 0..<B {
                let row = d + batch.offsets[s] * H, src = dcls + s * H
                for i in 0..<H { row[i] += src[i] }
            }
        }
        inject(c.numHiddenLayers, into: g[dres])
        let lowest = trainable.contains(.embeddings) ? 0 : (trainable.contains(.encoder) ? 0 : c.numHiddenLayers)
        for l in stride(from: c.numHiddenLayers - 1, through: lowest, by: -1) {
            let w = L.layers[l], a = acts.layers[l], x = acts.hiddenState(l)
            let needInput = l > 0 || trainable.contains(.embeddings)
            // LayerNorm(r2), r2 = drop(dense(act)) + y1
            g.zero(g.dr2, N * H)
            LayerNorm.backward(dinp: g[g.dr2], dgamma: grads[w.ln2Gamma], dbeta: grads[w.ln2Beta],
                               dout: g[dres], inp: acts[a.r2], gamma: p(w.ln2Gamma),
                               mean: acts[a.ln2Mean], rstd: acts[a.ln2Rstd], rows: N, dim: H)
            g[g.dy1].update(from: g[g.dr2], count: N * H)
            if acts.training { Dropout.apply(g[g.dr2], mask: acts[a.ffnDropMask], count: N * H) }
            g.zero(g.dact, N * I)
            Linear.backward(dinp: g[g.dact], dweight: grads[w.outWeight], dbias: grads[w.outBias],
                            dout: g[g.dr2], inp: acts[a.act], weight: encoderWeight(w.outWeight), rows: N, inDim: I, outDim: H)
            GELU.backward(g[g.dfc], acts[a.fc], g[g.dact], count: N * I)
            Linear.backward(dinp: g[g.dy1], dweight: grads[w.interWeight], dbias: grads[w.interBias],
                            dout: g[g.dfc], inp: acts[a.y1], weight: encoderWeight(w.interWeight), rows: N, inDim: H, outDim: I)
            // LayerNorm(r1), r1 = drop(dense(ctx)) + x
            g.zero(g.dr1, N * H)
            LayerNorm.backward(dinp: g[g.dr1], dgamma: grads[w.ln1Gamma], dbeta: grads[w.ln1Beta],
                               dout: g[g.dy1], inp: acts[a.r1], gamma: p(w.ln1Gamma),
                               mean: acts[a.ln1Mean], rstd: acts[a.ln1Rstd], rows: N, dim: H)
            g[dx].update(from: g[g.dr1], count: N * H)
            if acts.training { Dropout.apply(g[g.dr1], mask: acts[a.attnOutDropMask], count: N * H) }
            g.zero(g.dctx, N * H)
            Linear.backward(dinp: g[g.dctx], dweight: grads[w.attnOutWeight], dbias: grads[w.attnOutBias],
                            dout: g[g.dr1], inp: acts[a.ctx], weight: encoderWeight(w.attnOutWeight), rows: N, inDim: H, outDim: H)
            g.zero(g.dqkv, N * 3 * H)
            Attention.backward(dqkv: g[g.dqkv], dctx: g[g.dctx], qkv: acts[a.qkv], probs: acts[a.probs],
                               batch: batch, shape: attentionShape,
                               dropoutMask: acts.training ? UnsafePointer(acts[a.attnDropMask]) : nil,
                               droppedProbs: acts.training ? UnsafePointer(acts[a.droppedProbs]) : nil)
            Linear.backward(dinp: needInput ? g[dx] : nil, dweight: grads[w.qkvWeight], dbias: grads[w.qkvBias],
                            dout: g[g.dqkv], inp: x, weight: encoderWeight(w.qkvWeight), rows: N, inDim: H, outDim: 3 * H)
            inject(l, into: g[dx])
            swap(&dres, &dx)
        }
        guard trainable.contains(.embeddings) else { return }
        // embeddings: dropout, LayerNorm, then scatter into the three tables.
        if acts.training { Dropout.apply(g[dres], mask: acts[acts.embDropMask], count: N * H) }
        g.zero(dx, N * H)
        LayerNorm.backward(dinp: g[dx], dgamma: grads[L.embLnGamma], dbeta: grads[L.embLnBeta],
                           dout: g[dres], inp: acts[acts.embSum], gamma: p(L.embLnGamma),
                           mean: acts[acts.embMean], rstd: acts[acts.embRstd], rows: N, dim: H)
        Embedding.backward(dword: grads[L.wordEmbeddings], dposition: grads[L.positionEmbeddings],
                           dtokenType: grads[L.tokenTypeEmbeddings], dout: g[dx], batch: batch, dim: H)
    }
}
