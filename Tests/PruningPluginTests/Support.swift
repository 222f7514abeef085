import BermoRuntime
import BermoTestSupport
import Foundation
@testable import PruningPlugin
import Testing

extension BertConfig {
    /// A 2-layer, 8-wide BERT with 2 heads (the runtime tests' tiny model).
    static let tiny = BertConfig(vocabSize: 12, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2,
                                 intermediateSize: 16, maxPositionEmbeddings: 16, typeVocabSize: 2,
                                 layerNormEps: 1e-12, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1)
}

/// Owns the buffers of one hand-made masked matrix.
final class TestMatrix {
    var weights: [Float], scores: [Float], mask: [Float], maskGrad: [Float]
    let rows: Int, cols: Int
    init(weights: [Float]? = nil, scores: [Float]? = nil, rows: Int, cols: Int) {
        let n = rows * cols
        self.rows = rows; self.cols = cols
        self.weights = weights ?? [Float](repeating: 1, count: n)
        self.scores = scores ?? [Float](repeating: 0, count: n)
        mask = [Float](repeating: -1, count: n); maskGrad = [Float](repeating: 0, count: n)
    }
    var count: Int { rows * cols }

    /// Runs `body` with a `MaskedMatrix` view of the arrays.
    func withView<R>(index: Int = 0, _ body: (MaskedMatrix) -> R) -> R {
        weights.withUnsafeMutableBufferPointer { w in
            scores.withUnsafeMutableBufferPointer { s in
                mask.withUnsafeMutableBufferPointer { m in
                    maskGrad.withUnsafeMutableBufferPointer { g in
                        body(MaskedMatrix(index: index, name: "m\(index)", rows: rows, cols: cols, weights: w.baseAddress!,
                                          scores: s.baseAddress!, mask: m.baseAddress!, maskGrad: g.baseAddress!))
                    }
                }
            }
        }
    }

    func fill(_ method: any PruningMethod, threshold: Double, mode: MaskMode = .evaluation, seed: UInt64 = 1, index: Int = 0) {
        let keys = UnsafeMutablePointer<UInt32>.allocate(capacity: count)
        defer { keys.deallocate() }
        withView(index: index) { method.fillMask($0, MaskContext(threshold: threshold, mode: mode, seed: seed, keys: keys, scratch: .init())) }
    }

    var kept: [Int] { mask.indices.filter { mask[$0] != 0 } }
}

/// Tokenizer-free fine-tuning helpers on random models: a tuner whose tokenizer is never used, and a
/// fixed synthetic batch.
enum Tiny {
    static func tokenizer() throws -> Tokenizer {
        let dir = try TemporaryDirectory("vocab")
        defer { dir.cleanup() }
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "e", "f", "g"]
        let file = dir.url.appendingPathComponent("vocab.txt")
        try vocab.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return try Tokenizer(vocabularyFile: file)
    }

    static func tuner(_ model: BertModel, learningRate: Float = 1e-2, maxGradNorm: Float = 1) throws -> FineTuner {
        var c = FineTuneConfig()
        c.learningRate = learningRate; c.maxGradNorm = maxGradNorm; c.freeze = [.embeddings]
        c.hiddenDropout = 0; c.attentionDropout = 0; c.perDeviceTrainBatchSize = 4; c.maxSeqLength = 16
        return try FineTuner(model: model, tokenizer: try tokenizer(), config: c, kind: .classification(labels: ["0", "1"]))
    }

    /// Four sequences whose label is whether token 5 appears (fixed ids inside the tiny model's tables, so
    /// packing cannot fail).
    static let batch = try! PackedBatch(sequences: [([2, 5, 7, 3], [0, 0, 0, 0]), ([2, 8, 9, 3], [0, 0, 0, 0]),
                                                    ([2, 6, 5, 10, 3], [0, 0, 0, 0, 0]), ([2, 11, 7, 3], [0, 0, 0, 0])],
                                        heads: 2, rows: .init(words: 12, positions: 16, tokenTypes: 2))
    static let targets = Targets.classes([1, 0, 1, 0])

    /// Random sentences over the tiny vocabulary, labelled by whether they contain "a".
    static func examples(_ count: Int, seed: UInt64) -> [Example] {
        var rng = SeededRandom(seed: seed)
        let words = ["a", "b", "c", "d", "e", "f", "g"]
        return (0..<count).map { i in
            let n = 2 + Int(rng.next() % 5)
            var w = (0..<n).map { _ in words[1 + Int(rng.next() % 6)] }
            if i % 2 == 0 { w[Int(rng.next() % UInt64(n))] = "a" }
            return Example(text: w.joined(separator: " "), label: i % 2 == 0 ? 1 : 0)
        }
    }

    static func config(directory: URL, _ c: BertConfig = .tiny) throws {
        let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(c).write(to: directory.appendingPathComponent("config.json"))
    }
}

extension Array where Element == Float {
    var ptr: UnsafeMutablePointer<Float> { mutating get { withUnsafeMutableBufferPointer { $0.baseAddress! } } }
}
