import BermoTestSupport
import BermoRuntime
import Foundation
import Testing

/// Finite-difference checks of every op's backward against its forward (tiny shapes, random values).
@Suite("Op gradients (finite differences)")
struct OpGradientTests {
    /// Tables large enough for the attention tests' ids (attention never reads them).
    static let rows = PackedBatch.TableRows(words: 9, positions: 5, tokenTypes: 2)

    init() { Compute.configure(threads: 1) }

    @Test func layerNorm() {
        var rng = SeededRandom(seed: 1)
        let rows = 3, dim = 7
        var x = GradientCheck.random(rows * dim, &rng), gamma = GradientCheck.random(dim, &rng), beta = GradientCheck.random(dim, &rng)
        let r = GradientCheck.random(rows * dim, &rng)
        var out = [Float](repeating: 0, count: rows * dim), mean = [Float](repeating: 0, count: rows), rstd = mean
        func forward() -> Double {
            LayerNorm.forward(out: out.ptr, mean: mean.ptr, rstd: rstd.ptr, inp: x.ptr, gamma: gamma.ptr, beta: beta.ptr, rows: rows, dim: dim, eps: 1e-12)
            return GradientCheck.dot(out.ptr, r)
        }
        _ = forward()
        var dx = [Float](repeating: 0, count: rows * dim), dg = [Float](repeating: 0, count: dim), db = dg
        LayerNorm.backward(dinp: dx.ptr, dgamma: dg.ptr, dbeta: db.ptr, dout: r, inp: x.ptr, gamma: gamma.ptr, mean: mean.ptr, rstd: rstd.ptr, rows: rows, dim: dim)
        GradientCheck.check("dx", pointer: x.ptr, analytic: dx.ptr, indices: Array(0..<(rows * dim)), h: 1e-3, loss: forward)
        GradientCheck.check("dgamma", pointer: gamma.ptr, analytic: dg.ptr, indices: Array(0..<dim), loss: forward)
        GradientCheck.check("dbeta", pointer: beta.ptr, analytic: db.ptr, indices: Array(0..<dim), loss: forward)
    }

    @Test func linear() {
        var rng = SeededRandom(seed: 2)
        let rows = 4, inDim = 5, outDim = 3
        var x = GradientCheck.random(rows * inDim, &rng), w = GradientCheck.random(outDim * inDim, &rng), b = GradientCheck.random(outDim, &rng)
        let r = GradientCheck.random(rows * outDim, &rng)
        var out = [Float](repeating: 0, count: rows * outDim)
        func forward() -> Double {
            Linear.forward(out: out.ptr, inp: x.ptr, weight: w.ptr, bias: b.ptr, rows: rows, inDim: inDim, outDim: outDim)
            return GradientCheck.dot(out.ptr, r)
        }
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count), db = [Float](repeating: 0, count: b.count)
        Linear.backward(dinp: dx.ptr, dweight: dw.ptr, dbias: db.ptr, dout: r, inp: x.ptr, weight: w.ptr, rows: rows, inDim: inDim, outDim: outDim)
        GradientCheck.check("dx", pointer: x.ptr, analytic: dx.ptr, indices: Array(x.indices), loss: forward)
        GradientCheck.check("dw", pointer: w.ptr, analytic: dw.ptr, indices: Array(w.indices), loss: forward)
        GradientCheck.check("db", pointer: b.ptr, analytic: db.ptr, indices: Array(b.indices), loss: forward)
    }

    @Test func gelu() {
        var rng = SeededRandom(seed: 3)
        var x = GradientCheck.random(64, &rng, scale: 3)
        let r = GradientCheck.random(64, &rng)
        var out = [Float](repeating: 0, count: 64)
        func forward() -> Double { GELU.forward(out.ptr, x.ptr, count: 64); return GradientCheck.dot(out.ptr, r) }
        var dx = [Float](repeating: 0, count: 64)
        GELU.backward(dx.ptr, x.ptr, r, count: 64)
        GradientCheck.check("gelu", pointer: x.ptr, analytic: dx.ptr, indices: Array(0..<64), h: 1e-3, loss: forward)
    }

    @Test(arguments: [false, true])
    func attention(withDropout: Bool) throws {
        var rng = SeededRandom(seed: 4)
        let heads = 2, H = 4
        let batch = try PackedBatch(sequences: [([1, 2, 3], [0, 0, 0]), ([4, 5, 6, 7, 8], [0, 0, 1, 1, 1])], heads: heads, rows: Self.rows)
        let N = batch.tokenCount, A = batch.attentionSize(heads: heads)
        var qkv = GradientCheck.random(N * 3 * H, &rng)
        let r = GradientCheck.random(N * H, &rng)
        var mask = (0..<A).map { _ in rng.nextUniform() < 0.2 ? Float(0) : 1.25 }
        var ctx = [Float](repeating: 0, count: N * H), probs = [Float](repeating: 0, count: A), dropped = probs
        let shape = Attention.Shape(hidden: H, heads: heads)
        func forward() -> Double {
            Attention.forward(ctx: ctx.ptr, probs: probs.ptr, qkv: qkv.ptr, batch: batch, shape: shape,
                              dropoutMask: withDropout ? UnsafePointer(mask.ptr) : nil, droppedProbs: withDropout ? dropped.ptr : nil)
            return GradientCheck.dot(ctx.ptr, r)
        }
        _ = forward()
        var dqkv = [Float](repeating: 0, count: qkv.count)
        Attention.backward(dqkv: dqkv.ptr, dctx: r, qkv: qkv.ptr, probs: probs.ptr, batch: batch, shape: shape,
                           dropoutMask: withDropout ? UnsafePointer(mask.ptr) : nil, droppedProbs: withDropout ? UnsafePointer(dropped.ptr) : nil)
        GradientCheck.check("dqkv", pointer: qkv.ptr, analytic: dqkv.ptr, indices: Array(qkv.indices), h: 1e-3, loss: forward)
    }

    @Test("packed attention equals per-sequence attention (no cross-talk between sequences)")
    func packedIsolation() throws {
        var rng = SeededRandom(seed: 5)
        let heads = 2, H = 4
        let both = try PackedBatch(sequences: [([1, 2, 3], [0, 0, 0]), ([4, 5], [0, 0])], heads: heads, rows: Self.rows)
        let first = try PackedBatch(sequences: [([1, 2, 3], [0, 0, 0])], heads: heads, rows: Self.rows)
        var qkv = GradientCheck.random(5 * 3 * H, &rng)
        var ctxBoth = [Float](repeating: 0, count: 5 * H), pBoth = [Float](repeating: 0, count: both.attentionSize(heads: heads))
        var ctxOne = [Float](repeating: 0, count: 3 * H), pOne = [Float](repeating: 0, count: first.attentionSize(heads: heads))
        let shape = Attention.Shape(hidden: H, heads: heads)
        Attention.forward(ctx: ctxBoth.ptr, probs: pBoth.ptr, qkv: qkv.ptr, batch: both, shape: shape)
        Attention.forward(ctx: ctxOne.ptr, probs: pOne.ptr, qkv: qkv.ptr, batch: first, shape: shape)
        #expect(Array(ctxBoth[0..<(3 * H)]) == ctxOne)
    }

    @Test(arguments: [false, true])
    func scalarMix(layerNorm: Bool) {
        var rng = SeededRandom(seed: 6)
        let n = 3, count = 10
        var inputs = (0..<n).map { _ in GradientCheck.random(count, &rng) }
        var w = GradientCheck.random(n, &rng), gamma: [Float] = [0.7]
        let r = GradientCheck.random(count, &rng)
        var out = [Float](repeating: 0, count: count), stats = [Float](repeating: 0, count: 2 * n)
        func forward() -> Double {
            let ptrs = (0..<n).map { UnsafePointer(inputs[$0].ptr) }
            ScalarMix.forward(out: out.ptr, inputs: ptrs, weights: w.ptr, gamma: gamma[0], count: count, layerNorm: layerNorm, normStats: stats.ptr)
            return GradientCheck.dot(out.ptr, r)
        }
        _ = forward()
        var dinputs = (0..<n).map { _ in [Float](repeating: 0, count: count) }
        var dw = [Float](repeating: 0, count: n), dgamma: [Float] = [0]
        ScalarMix.backward(dinputs: (0..<n).map { dinputs[$0].ptr }, dweights: dw.ptr, dgamma: dgamma.ptr, dout: r,
                           inputs: (0..<n).map { UnsafePointer(inputs[$0].ptr) }, weights: w.ptr, gamma: gamma[0],
                           count: count, layerNorm: layerNorm, normStats: stats.ptr)
        for j in 0..<n {
            GradientCheck.check("dh\(j)", pointer: inputs[j].ptr, analytic: dinputs[j].ptr, indices: Array(0..<count), h: 1e-3, loss: forward)
        }
        GradientCheck.check("dw", pointer: w.ptr, analytic: dw.ptr, indices: Array(0..<n), loss: forward)
        GradientCheck.check("dgamma", pointer: gamma.ptr, analytic: dgamma.ptr, indices: [0], loss: forward)
    }

    @Test func embedding() throws {
        var rng = SeededRandom(seed: 7)
        let dim = 3, vocab = 6
        let batch = try PackedBatch(sequences: [([1, 2, 1], [0, 1, 1]), ([5, 1], [0, 0])], heads: 1, rows: .init(words: vocab, positions: 4, tokenTypes: 2))
        var word = GradientCheck.random(vocab * dim, &rng), pos = GradientCheck.random(4 * dim, &rng), type = GradientCheck.random(2 * dim, &rng)
        let r = GradientCheck.random(batch.tokenCount * dim, &rng)
        var out = [Float](repeating: 0, count: batch.tokenCount * dim)
        func forward() -> Double {
            Embedding.forward(out: out.ptr, batch: batch, word: word.ptr, position: pos.ptr, tokenType: type.ptr, dim: dim)
            return GradientCheck.dot(out.ptr, r)
        }
        var dw = [Float](repeating: 0, count: word.count), dp = [Float](repeating: 0, count: pos.count), dt = [Float](repeating: 0, count: type.count)
        Embedding.backward(dword: dw.ptr, dposition: dp.ptr, dtokenType: dt.ptr, dout: r, batch: batch, dim: dim)
        GradientCheck.check("dword", pointer: word.ptr, analytic: dw.ptr, indices: Array(word.indices), loss: forward)
        GradientCheck.check("dposition", pointer: pos.ptr, analytic: dp.ptr, indices: Array(pos.indices), loss: forward)
        GradientCheck.check("dtype", pointer: type.ptr, analytic: dt.ptr, indices: Array(type.indices), loss: forward)
    }

    @Test func losses() {
        var rng = SeededRandom(seed: 8)
        var logits = GradientCheck.random(4 * 3, &rng)
        let labels = [0, 2, 1, 2]
        var d = [Float](repeating: 0, count: 12)
        _ = Loss.crossEntropy(logits: logits.ptr, labels: labels, classes: 3, dlogits: d.ptr)
        GradientCheck.check("ce", pointer: logits.ptr, analytic: d.ptr, indices: Array(0..<12), h: 1e-3) {
            Double(Loss.crossEntropy(logits: logits.ptr, labels: labels, classes: 3, dlogits: nil))
        }
        var preds = GradientCheck.random(4, &rng)
        let targets: [Float] = [0.5, 4.2, 1, 3.3]
        var dp = [Float](repeating: 0, count: 4)
        _ = Loss.meanSquaredError(predictions: preds.ptr, targets: targets, dpredictions: dp.ptr)
        GradientCheck.check("mse", pointer: preds.ptr, analytic: dp.ptr, indices: Array(0..<4), h: 1e-3) {
            Double(Loss.meanSquaredError(predictions: preds.ptr, targets: targets, dpredictions: nil))
        }
        // Cross-entropy of uniform logits is ln(C).
        var zeros = [Float](repeating: 0, count: 6)
        #expect(abs(Loss.crossEntropy(logits: zeros.ptr, labels: [1, 0], classes: 3, dlogits: nil) - Float(Foundation.log(3.0))) < 1e-6)
    }
}
