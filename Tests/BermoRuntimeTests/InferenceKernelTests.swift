import BermoRuntime
import Foundation
import Testing

/// A dense `LinearKernel` over a copy of a weight, counting its calls.
private final class CountingKernel: LinearKernel, @unchecked Sendable {
    let inDim: Int, outDim: Int
    let weight: [Float]
    var calls = 0
    init(_ w: UnsafePointer<Float>, inDim: Int, outDim: Int, scale: Float = 1) {
        self.inDim = inDim; self.outDim = outDim
        weight = (0..<(inDim * outDim)).map { w[$0] * scale }
    }
    func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int) {
        calls += 1
        weight.withUnsafeBufferPointer {
            Linear.forward(out: out, inp: inp, weight: $0.baseAddress!, bias: bias, rows: rows, inDim: inDim, outDim: outDim)
        }
    }
}

@Suite("Inference kernels for encoder projections")
struct InferenceKernelTests {
    @Test("installed kernels replace sgemm in inference passes only, and are checked against the layout")
    func dispatch() throws {
        Compute.configure(threads: 1)
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 4)
        let batch = try model.pack([([2, 5, 7, 3], [0, 0, 1, 1]), ([2, 9, 3], [0, 0, 0])])
        let H = 8, I = 16
        let before = Activations()
        model.forwardEncoder(batch, before)
        var kernels: [Int: any LinearKernel] = [:]
        var counting: [CountingKernel] = []
        for w in model.layout.layers {
            for (o, i, out) in [(w.qkvWeight, H, 3 * H), (w.attnOutWeight, H, H), (w.interWeight, H, I), (w.outWeight, I, H)] {
                let k = CountingKernel(model.parameters[o], inDim: i, outDim: out)
                kernels[o] = k; counting.append(k)
            }
        }
        try model.setInferenceKernels(kernels)
        let after = Activations()
        model.forwardEncoder(batch, after)
        #expect(counting.allSatisfy { $0.calls == 1 })
        for i in 0..<(batch.tokenCount * H) { #expect(before.hiddenState(2)[i] == after.hiddenState(2)[i]) }
        var rng = SeededRandom(seed: 1)
        model.forwardEncoder(batch, Activations(), dropout: (0, 0), rng: &rng)
        #expect(counting.allSatisfy { $0.calls == 1 })  // training mode: dense path

        // A kernel at a non-projection offset, or of the wrong shape, is refused with the tensor's name.
        #expect(throws: RuntimeError.self) { try model.setInferenceKernels([model.layout.poolerWeight: counting[0]]) }
        let wrong = CountingKernel(model.parameters[model.layout.layers[0].interWeight], inDim: H, outDim: I)
        let e = try #require(throws: RuntimeError.self) { try model.setInferenceKernels([model.layout.layers[0].outWeight: wrong]) }
        #expect(e.message.contains("encoder.layer.0.output.dense.weight"))
        try model.setInferenceKernels([:])
        #expect(model.inferenceKernels.isEmpty)
    }
}
