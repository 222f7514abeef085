import BermoRuntime
import BermoTestSupport
import Foundation
import GLUEPlugin


/// A 2-layer, 16-wide random BERT and a word-level vocabulary: fast enough to train in unit tests.
enum TinyModel {
    static let words = ["the", "a", "man", "woman", "dog", "is", "not", "happy", "sad", "runs", "sleeps", "good", "bad", "movie", "."]
    static let config = BertConfig(vocabSize: 5 + words.count, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                   intermediateSize: 32, maxPositionEmbeddings: 64)

    static func make(_ task: GLUETask, head: HeadVariant, seed: UInt64, in dir: TemporaryDirectory) throws -> (BertModel, Tokenizer) {
        let vocab = dir.file("vocab.txt")
        try (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words).joined(separator: "\n").write(to: vocab, atomically: true, encoding: .utf8)
        let model = try BertModel(config: config, numLabels: task.kind.numLabels, mix: head == .bermo ? MixConfig() : nil, seed: seed)
        return (model, try Tokenizer(vocabularyFile: vocab))
    }

    /// `n` examples of a toy pair task for `task`'s label set (label = example index mod class count).
    static func examples(_ task: GLUETask, _ n: Int, offset: Int = 0) -> [Example] {
        (0..<n).map { i in
            let k = i + offset
            let text = "the \(words[2 + k % 3]) is \(k % 2 == 0 ? "happy" : "sad") ."
            var e = Example(text: text, pair: task.isPair ? "a dog runs ." : nil)
            e.label = k % task.kind.numLabels
            e.value = Float(k % 5)
            return e
        }
    }
}
