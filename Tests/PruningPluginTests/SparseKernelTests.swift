import BermoTestSupport
import BermoRuntime
import Foundation
@testable import PruningPlugin
import Testing

@Suite("Sparse inference kernels")
struct SparseKernelTests {
    /// Dense reference `y = x·Wᵀ + b` in Double.
    static func reference(_ x: [Float], _ w: [Float], _ b: [Float]?, rows: Int, inDim: Int, outDim: Int) -> [Double] {
        var y = [Double](repeating: 0, count: rows * outDim)
        for r in 0..<rows {
            for o in 0..<outDim {
                var s = Double(b?[o] ?? 0)
                for j in 0..<inDim { s += Double(x[r * inDim + j]) * Double(w[o * inDim + j]) }
                y[r * outDim + o] = s
            }
        }
        return y
    }

    @Test("CSR kernel equals the dense product for partial tiles, empty rows, mixed sparse/dense blocks",
          arguments: [1, 31, 32, 33, 70])
    func matchesDense(rows: Int) {
        Compute.configure(threads: 2)
        var rng = SeededRandom(seed: UInt64(rows))
        let inDim = 40, outDim = 48, block = 16
        var w = (0..<(outDim * inDim)).map { _ in rng.nextNormal() }
        // Block 0: 5% dense, block 1: 60% dense, block 2: all zero but one row.
        for o in 0..<outDim {
            for j in 0..<inDim {
                let u = rng.nextUniform()
                let keep = o < 16 ? u < 0.05 : (o < 32 ? u < 0.6 : o == 40)
                if !keep { w[o * inDim + j] = 0 }
            }
        }
        let x = (0..<(rows * inDim)).map { _ in rng.nextNormal() }
        let b = (0..<outDim).map { _ in rng.nextNormal() }
        let k = w.withUnsafeBufferPointer { SparseLinear(weight: $0.baseAddress!, outDim: outDim, inDim: inDim, blockRows: block, maxDensity: 0.3) }
        #expect(k.blocks.map(\.sparse) == [true, false, true])
        for bias in [b, nil] as [[Float]?] {
            var y = [Float](repeating: .nan, count: rows * outDim)
            x.withUnsafeBufferPointer { xp in
                if let bias { bias.withUnsafeBufferPointer { k.forward(out: y.ptr, inp: xp.baseAddress!, bias: $0.baseAddress, rows: rows) } }
                else { k.forward(out: y.ptr, inp: xp.baseAddress!, bias: nil, rows: rows) }
            }
            let ref = Self.reference(x, w, bias, rows: rows, inDim: inDim, outDim: outDim)
            var worst = 0.0
            for i in ref.indices { worst = max(worst, abs(Double(y[i]) - ref[i])) }
            #expect(worst < 1e-4, "rows \(rows): worst \(worst)")
        }
    }

    @Test("dimensions that are not multiples of 8 take the scalar transposes and still match")
    func oddDimensions() {
        Compute.configure(threads: 1)
        var rng = SeededRandom(seed: 77)
        let inDim = 13, outDim = 12, rows = 37
        let w = (0..<(outDim * inDim)).map { _ in rng.nextUniform() < 0.2 ? rng.nextNormal() : 0 }
        let x = (0..<(rows * inDim)).map { _ in rng.nextNormal() }
        let k = w.withUnsafeBufferPointer { SparseLinear(weight: $0.baseAddress!, outDim: outDim, inDim: inDim, maxDensity: 0.5) }
        #expect(k.hasSparseBlock)
        var y = [Float](repeating: .nan, count: rows * outDim)
        x.withUnsafeBufferPointer { k.forward(out: y.ptr, inp: $0.baseAddress!, bias: nil, rows: rows) }
        let ref = Self.reference(x, w, nil, rows: rows, inDim: inDim, outDim: outDim)
        for i in ref.indices { #expect(abs(Double(y[i]) - ref[i]) < 1e-4) }
    }

    @Test("a pruned model encodes the same with sparse kernels as with sgemm on its zeros; training ignores them")
    func modelForward() throws {
        Compute.configure(threads: 2)
        let config = BertConfig(vocabSize: 30, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64,
                                maxPositionEmbeddings: 64)
        let model = try BertModel(config: config, numLabels: 2, seed: 9)
        let s = try PruningSchedule(method: MagnitudePruning(), model: model,
                                    schedule: CubicSchedule(initialThreshold: 0.1, finalThreshold: 0.1, warmupSteps: 0, totalSteps: 5))
        s.bakeMasks()
        var rng = SeededRandom(seed: 1)
        let seqs = (0..<5).map { i in ((0..<(7 + 9 * i)).map { _ in Int32(rng.next() % 30) }, [Int32](repeating: 0, count: 7 + 9 * i)) }
        let batch = try model.pack(seqs)
        let dense = Activations(), sparse = Activations()
        model.forwardEncoder(batch, dense)
        let installed = try SparseInference.install(on: model, maxDensity: 0.3)
        #expect(installed == 8)
        model.forwardEncoder(batch, sparse)
        var worst: Float = 0
        for l in 0...2 { for i in 0..<(batch.tokenCount * 32) { worst = max(worst, abs(dense.hiddenState(l)[i] - sparse.hiddenState(l)[i])) } }
        #expect(worst < 1e-4, "worst \(worst)")
        // Dense matrices stay on sgemm: nothing is sparse enough at maxDensity 0.05.
        #expect(SparseInference.kernels(for: model, maxDensity: 0.05).isEmpty)
        // Training-mode passes never use the snapshot kernels.
        for i in 0..<model.layout.total where i % 3 == 0 { model.parameters.base[i] *= 0.5 }
        let training = Activations(), plain = Activations()
        var r1 = SeededRandom(seed: 3), r2 = SeededRandom(seed: 3)
        model.forwardEncoder(batch, training, dropout: (0, 0), rng: &r1)
        try model.setInferenceKernels([:])
        model.forwardEncoder(batch, plain, dropout: (0, 0), rng: &r2)
        for i in 0..<(batch.tokenCount * 32) { #expect(training.hiddenState(2)[i] == plain.hiddenState(2)[i]) }
    }
}
