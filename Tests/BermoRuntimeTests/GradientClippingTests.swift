import BermoRuntime
import Testing

@Suite("Global-norm gradient clipping", .serialized)
struct GradientClippingTests {
    /// A 4-layer, 64-wide layout: tensors larger and smaller than one 65,536-value block.
    static let layout = ParameterLayout(config: BertConfig(vocabSize: 1200, hiddenSize: 64, numHiddenLayers: 4, numAttentionHeads: 4,
                                                           intermediateSize: 256, maxPositionEmbeddings: 64), numLabels: 2)

    func gradients(seed: UInt64) -> ParameterBuffer {
        let g = ParameterBuffer(count: Self.layout.total)
        var rng = SeededRandom(seed: seed)
        for i in 0..<g.count { g.base[i] = rng.nextNormal() * 1e-2 }
        return g
    }

    @Test("the norm equals a Double reference over the chosen groups; clipping scales them to max_norm and leaves the rest")
    func clipsToMaxNorm() {
        let g = gradients(seed: 1), groups: Set<ParameterLayout.Group> = [.encoder, .classifier]
        var reference = 0.0
        for t in Self.layout.tensors where groups.contains(t.group) {
            for i in 0..<t.count { reference += Double(g[t.offset][i]) * Double(g[t.offset][i]) }
        }
        let before = g.array
        Compute.configure(threads: 2)
        let norm = GradientClipping.clip(g, layout: Self.layout, groups: groups, maxNorm: 0.5)
        #expect(abs(Double(norm) - reference.squareRoot()) <= 1e-5 * reference.squareRoot())
        var after = 0.0
        for t in Self.layout.tensors {
            for i in 0..<t.count {
                let k = t.offset + i
                if groups.contains(t.group) { after += Double(g.base[k]) * Double(g.base[k]) } else { #expect(g.base[k] == before[k]) }
            }
        }
        #expect(abs(after.squareRoot() - 0.5) < 1e-4)
        // Under max_norm: untouched.
        let small = gradients(seed: 2), copy = small.array
        _ = GradientClipping.clip(small, layout: Self.layout, groups: groups, maxNorm: 1e6)
        #expect(small.array == copy)
    }

    @Test("the norm is bit-identical whatever the thread count")
    func threadIndependent() {
        let all = Set(ParameterLayout.Group.allCases)
        var norms: [Float] = []
        for threads in [1, 2, 3] {
            Compute.configure(threads: threads)
            norms.append(GradientClipping.clip(gradients(seed: 3), layout: Self.layout, groups: all, maxNorm: 0))
        }
        Compute.configure(threads: 1)
        #expect(Set(norms).count == 1, "\(norms)")
    }
}
