import BermoTestSupport
@testable import BermoRuntime
import Foundation
import Testing

/// Every id the tokenizer can produce must index a row of the word-embedding table, and every position and
/// token type a row of theirs: a vocab.txt longer than the checkpoint's embedding (or with a special token
/// twice, whose last line then wins) used to make encoding read past the table, silently or with SIGSEGV.
@Suite("Hostile models: token ids against embedding rows")
struct TokenIdBoundsTests {
    /// `BertConfig.tiny`'s 12 rows, spelled out: five special tokens and seven words.
    static let twelve = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "film", "a", "b", "c", "d"]

    static func tokenizer(_ lines: [String], in directory: TemporaryDirectory) throws -> (Tokenizer, URL) {
        let url = try directory.write(lines.joined(separator: "\n") + "\n", to: "vocab.txt")
        return (try Tokenizer(vocabularyFile: url), url)
    }

    @Test func aSpecialTokenTwiceNamesBothLines() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let url = try directory.write((Self.twelve + ["[CLS]"]).joined(separator: "\n"), to: "vocab.txt")
        let error = #expect(throws: RuntimeError.self) { try Tokenizer(vocabularyFile: url) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix("\(url.path): ") && message.contains("[CLS]") && message.contains("lines 3 and 13"), "\(message)")
        #expect(message.contains("once"), "\(message)")
    }

    @Test func aMissingSpecialTokenNamesTheFileAndTheToken() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let url = try directory.write(Self.twelve.filter { $0 != "[SEP]" }.joined(separator: "\n"), to: "vocab.txt")
        let error = #expect(throws: RuntimeError.self) { try Tokenizer(vocabularyFile: url) }
        #expect(error?.message.hasPrefix("\(url.path): ") == true && error?.message.contains("[SEP]") == true, "\(error?.message ?? "")")
    }

    @Test func aVocabularyLongerThanTheEmbeddingIsRefusedWhereModelAndTokenizerMeet() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let (tokenizer, url) = try Self.tokenizer(Self.twelve + ["extra"], in: directory)
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 1)
        let encoder = #expect(throws: RuntimeError.self) { try SentenceEncoder(model: model, tokenizer: tokenizer, maxLength: 16) }
        for message in [encoder?.message ?? ""] {
            #expect(message.hasPrefix("\(url.path) has 13 lines"), "\(message)")
            #expect(message.contains("12 rows") && message.contains("line 13") && message.contains("'extra'"), "\(message)")
        }
        var config = FineTuneConfig(); config.maxSeqLength = 16
        #expect(throws: RuntimeError.self) {
            try FineTuner(model: model, tokenizer: tokenizer, config: config, kind: .classification(labels: ["0", "1"]))
        }
    }

    @Test func aModelFolderWithALongerVocabularyIsRefusedAtLoadBeforeTheWeights() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let folder = try ModelFolders.realCopy(in: directory.url)
        try ModelFolders.editVocabulary(in: folder) { $0 += (1...2000).map { "extra\($0)" } }
        let error = #expect(throws: RuntimeError.self) { try BertModel.loadWithTokenizer(directory: folder) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix(folder.appendingPathComponent("vocab.txt").path), "\(message)")
        #expect(message.contains("32522 lines") && message.contains("30522 rows") && message.contains("line 30523"), "\(message)")
    }

    /// The last line of defence, for a tokenizer that misbehaves (or encodings made by hand): ids, positions and
    /// token types are checked against the tables when a batch is packed, so no path reads outside them.
    @Test(arguments: [
        ("word id", Encoding(inputIds: [2, 12, 3], tokenTypeIds: [0, 0, 0], attentionMask: [1, 1, 1]), "id 12"),
        ("negative id", Encoding(inputIds: [2, -1, 3], tokenTypeIds: [0, 0, 0], attentionMask: [1, 1, 1]), "id -1"),
        ("token type", Encoding(inputIds: [2, 5, 3], tokenTypeIds: [0, 2, 0], attentionMask: [1, 1, 1]), "token type 2"),
        ("position", Encoding(inputIds: [2] + [Int32](repeating: 5, count: 16) + [3], tokenTypeIds: [Int32](repeating: 0, count: 18),
                              attentionMask: [Int32](repeating: 1, count: 18)), "position 16"),
        ("lengths differ", Encoding(inputIds: [2, 5, 3], tokenTypeIds: [0, 0], attentionMask: [1, 1, 1]), "3 ids but 2 token types"),
    ])
    func packingRefusesWhatTheTablesCannotIndex(label: String, encoding: Encoding, expected: String) throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let (tokenizer, _) = try Self.tokenizer(Self.twelve, in: directory)
        let encoder = try SentenceEncoder(model: try BertModel(config: .tiny, seed: 1), tokenizer: tokenizer, maxLength: 16)
        let good = tokenizer.encode("good film", maxLength: 16)
        let error = #expect(throws: RuntimeError.self, "\(label)") {
            try encoder.encode([good, encoding], layers: [0, 2], poolings: [.cls])
        }
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("sequence 2") == true, "\(error?.message ?? "")")
    }

    /// Class labels index the logits the same way, in the unchecked loss kernel.
    @Test func aLabelOutsideTheHeadsClassesIsRefusedBeforeTraining() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let (tokenizer, _) = try Self.tokenizer(Self.twelve, in: directory)
        var config = FineTuneConfig(); config.maxSeqLength = 16; config.maxSteps = 1; config.perDeviceTrainBatchSize = 2
        let tuner = try FineTuner(model: try BertModel(config: .tiny, numLabels: 2, seed: 1), tokenizer: tokenizer, config: config,
                                  kind: .classification(labels: ["0", "1"]))
        let examples = [Example(text: "good film", label: 1), Example(text: "bad film", label: 7)]
        let error = #expect(throws: RuntimeError.self) { try tuner.train(examples, dev: examples) }
        #expect(error?.message.contains("training example 2 has label 7") == true, "\(error?.message ?? "")")
    }
}
