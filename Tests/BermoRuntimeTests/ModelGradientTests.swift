import BermoTestSupport
import BermoRuntime
import Foundation
import Testing

/// Finite-difference checks of the whole model's backward (encoder + head), both variants, with
/// dropout on (masks are replayed from the same seed on every evaluation).
@Suite("Model gradients (finite differences, tiny random BERT)")
struct ModelGradientTests {
    static let config = BertConfig.tiny

    @Test(arguments: HeadVariant.allCases)
    func everyTensor(variant: HeadVariant) throws {
        Compute.configure(threads: 1)
        let mix = variant == .bermo ? MixConfig(initialWeights: [0.1, -0.2, 0.3], initialGamma: 0.9) : nil
        let model = try BertModel(config: Self.config, numLabels: 3, mix: mix, seed: 11)
        let batch = try model.pack([([2, 5, 7, 3], [0, 0, 1, 1]), ([2, 9, 3], [0, 0, 0]), ([2, 4, 4, 6, 8, 3], [0, 0, 0, 1, 1, 1])])
        let targets = Targets.classes([2, 0, 1])
        let acts = Activations(), head = HeadActivations()
        func loss(dlogits: UnsafeMutablePointer<Float>? = nil) -> Double {
            var rng = SeededRandom(seed: 99)
            model.forwardEncoder(batch, acts, dropout: (0.1, 0.1), rng: &rng)
            model.forwardHead(batch, acts, head, dropout: 0.1, rng: &rng)
            return Double(model.loss(head, targets, dlogits: dlogits))
        }
        var dlogits = [Float](repeating: 0, count: 9)
        _ = loss(dlogits: dlogits.ptr)
        let grads = ParameterBuffer(count: model.layout.total)
        model.backward(batch, acts, head, dlogits: dlogits.ptr, grads: grads, scratch: GradientScratch())
        for t in model.layout.tensors {
            // Embedding rows of unused ids have zero gradient either way; sample rows that occur.
            let indices: [Int]
            if t.name.hasSuffix("word_embeddings.weight") {
                indices = [2, 4, 9].flatMap { id in (0..<3).map { id * Self.config.hiddenSize + $0 * 3 } }
            } else if t.name.hasSuffix("position_embeddings.weight") {
                indices = GradientCheck.sample(6 * Self.config.hiddenSize)
            } else {
                indices = GradientCheck.sample(t.count)
            }
            GradientCheck.check("\(variant) \(t.name)", pointer: model.parameters[t.offset],
                                analytic: grads[t.offset], indices: indices) { loss() }
        }
    }

    @Test("regression head (MSE) gradients")
    func regression() throws {
        Compute.configure(threads: 1)
        let model = try BertModel(config: Self.config, numLabels: 1, mix: MixConfig(), seed: 12)
        let batch = try model.pack([([2, 5, 3], [0, 0, 0]), ([2, 6, 7, 3], [0, 0, 1, 1])])
        let acts = Activations(), head = HeadActivations()
        func loss(_ d: UnsafeMutablePointer<Float>? = nil) -> Double {
            var rng = SeededRandom(seed: 1)
            model.forwardEncoder(batch, acts, dropout: nil, rng: &rng)
            model.forwardHead(batch, acts, head, dropout: nil, rng: &rng)
            return Double(model.loss(head, .values([1.5, -0.5]), dlogits: d))
        }
        var d = [Float](repeating: 0, count: 2)
        _ = loss(d.ptr)
        let grads = ParameterBuffer(count: model.layout.total)
        model.backward(batch, acts, head, dlogits: d.ptr, grads: grads, scratch: GradientScratch())
        for name in ["bermo.scalar_mix.weights", "bermo.scalar_mix.gamma", "encoder.layer.0.intermediate.dense.weight", "classifier.weight"] {
            let t = try #require(model.layout.tensor(named: name))
            GradientCheck.check(name, pointer: model.parameters[t.offset], analytic: grads[t.offset], indices: GradientCheck.sample(t.count)) { loss() }
        }
    }
}

extension BertConfig {
    /// A 2-layer, 8-wide BERT with 2 heads: small enough for finite differences over every tensor.
    static let tiny = BertConfig(vocabSize: 12, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2,
                                 intermediateSize: 16, maxPositionEmbeddings: 16, typeVocabSize: 2,
                                 layerNormEps: 1e-12, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1)
}
