import BermoTestSupport
import BermoRuntime
import Foundation
import Testing

@Suite("Effective (masked) encoder weights")
struct WeightMaskTests {
    /// Reading M ⊙ W from the effective-weights buffer must equal a model whose weights were zeroed in
    /// place, and backward must then return ∂L/∂W' (checked by finite differences on the effective buffer).
    @Test func maskedForwardAndGradient() throws {
        Compute.configure(threads: 1)
        let masked = try BertModel(config: .tiny, numLabels: 2, seed: 4)
        let zeroed = try BertModel(config: .tiny, numLabels: 2, seed: 4)
        #expect(masked.prunableMatrices.count == 6 * BertConfig.tiny.numHiddenLayers)
        let effective = ParameterBuffer(count: masked.layout.total)
        effective.copy(from: masked.parameters)
        var rng = SeededRandom(seed: 9)
        for m in masked.prunableMatrices {
            for i in 0..<(m.rows * m.cols) where rng.nextUniform() < 0.5 {
                effective.base[m.offset + i] = 0; zeroed.parameters.base[m.offset + i] = 0
            }
        }
        masked.setEffectiveWeights(effective)
        let batch = try masked.pack([([2, 5, 7, 3], [0, 0, 1, 1]), ([2, 9, 3], [0, 0, 0])])
        func logits(_ model: BertModel) -> [Float] {
            let acts = Activations(), head = HeadActivations()
            var r = SeededRandom(seed: 0)
            model.forwardEncoder(batch, acts)
            let out = model.forwardHead(batch, acts, head, dropout: nil, rng: &r)
            return Array(UnsafeBufferPointer(start: out, count: 4))
        }
        #expect(logits(masked) == logits(zeroed))
        // The dense weights themselves are untouched.
        let dense = try BertModel(config: .tiny, numLabels: 2, seed: 4)
        #expect(masked.parameters.array == dense.parameters.array)

        // ∂L/∂W' lands at the matrix offsets of the gradient buffer.
        let acts = Activations(), head = HeadActivations()
        func loss(_ d: UnsafeMutablePointer<Float>? = nil) -> Double {
            var r = SeededRandom(seed: 0)
            masked.forwardEncoder(batch, acts)
            masked.forwardHead(batch, acts, head, dropout: nil, rng: &r)
            return Double(masked.loss(head, .classes([1, 0]), dlogits: d))
        }
        var d = [Float](repeating: 0, count: 4)
        _ = loss(d.ptr)
        let grads = ParameterBuffer(count: masked.layout.total)
        masked.backward(batch, acts, head, dlogits: d.ptr, grads: grads, scratch: GradientScratch())
        let m = masked.prunableMatrices[4]  // layer 0 intermediate
        GradientCheck.check("dW'", pointer: effective.base + m.offset, analytic: grads.base + m.offset,
                            indices: GradientCheck.sample(m.rows * m.cols)) { loss() }
    }
}
