/// BertForSequenceClassification, in two variants:
/// - `bert`: pooler over the last layer's [CLS] (Hugging Face's head);
/// - `bermo`: pooler over `gamma * Σ_j softmax(w)_j * h_j[CLS]`, the learned mix of every layer's [CLS].
/// then dropout and a linear classifier (one output = regression).
public enum HeadVariant: String, Sendable, Codable, CaseIterable { case bert, bermo }

/// What a batch is trained towards.
public enum Targets: Sendable {
    case classes([Int])
    case values([Float])
    public var count: Int {
        switch self { case .classes(let c): c.count; case .values(let v): v.count }
    }
}

extension BertModel {
    public var variant: HeadVariant { mix == nil ? .bert : .bermo }
    public var numLabels: Int { layout.numLabels ?? 0 }

    /// Runs the head on the encoder output in `acts`; returns a pointer to `[batch, numLabels]` logits.
    @discardableResult
    public func forwardHead(_ batch: PackedBatch, _ acts: Activations, _ head: HeadActivations,
                            dropout: Float?, rng: inout SeededRandom) -> UnsafeMutablePointer<Float> {
        // A programmer error, unreachable from input: FineTuner refuses a model without a head of its task's size.
        precondition(layout.numLabels != nil, "forwardHead needs a model built with numLabels")
        let B = batch.count, H = config.hiddenSize, C = numLabels
        head.prepare(batchSize: B, hidden: H, classes: C, mixSize: mixLayers.count, training: dropout != nil)
        if let mix, let wOff = layout.mixWeights, let gOff = layout.mixGamma {
            for (j, l) in mixLayers.enumerated() { gatherCLS(acts.hiddenState(l), batch, into: head.mixInputs[j].base) }
            ScalarMix.forward(out: head.feature.base, inputs: head.mixInputs.map { UnsafePointer($0.base) },
                              weights: p(wOff), gamma: p(gOff)[0], count: B * H,
                              layerNorm: mix.layerNorm, normStats: head.mixStats.base)
        } else {
            gatherCLS(acts.hiddenState(config.numHiddenLayers), batch, into: head.feature.base)
        }
        Linear.forward(out: head.pooled.base, inp: head.feature.base, weight: p(layout.poolerWeight),
                       bias: p(layout.poolerBias), rows: B, inDim: H, outDim: H)
        Tanh.forward(head.pooled.base, head.pooled.base, count: B * H)
        var classifierInput = head.pooled.base
        if let dropout {
            Dropout.fillMask(head.dropMask.base, count: B * H, p: dropout, rng: &rng)
            head.dropped.base.update(from: head.pooled.base, count: B * H)
            Dropout.apply(head.dropped.base, mask: head.dropMask.base, count: B * H)
            classifierInput = head.dropped.base
        }
        Linear.forward(out: head.logits.base, inp: classifierInput, weight: p(layout.classifierWeight!),
                       bias: p(layout.classifierBias!), rows: B, inDim: H, outDim: C)
        return head.logits.base
    }

    /// Copies each sequence's [CLS] row (its first token) into a dense `[batch, H]` matrix.
    func gatherCLS(_ h: UnsafePointer<Float>, _ batch: PackedBatch, into out: UnsafeMutablePointer<Float>) {
        let H = config.hiddenSize
        for s in 0..<batch.count { (out + s * H).update(from: h + batch.offsets[s] * H, count: H) }
    }

    /// The loss of the logits in `head` against `targets`, writing ∂loss/∂logits into `dlogits`.
    public func loss(_ head: HeadActivations, _ targets: Targets, dlogits: UnsafeMutablePointer<Float>?) -> Float {
        switch targets {
        case .classes(let labels):
            return Loss.crossEntropy(logits: head.logits.base, labels: labels, classes: numLabels, dlogits: dlogits)
        case .values(let values):
            // A programmer error, unreachable from input: FineTuner builds regression heads with one output.
            precondition(numLabels == 1, "regression needs a model with one output")
            return Loss.meanSquaredError(predictions: head.logits.base, targets: values, dpredictions: dlogits)
        }
    }
}
