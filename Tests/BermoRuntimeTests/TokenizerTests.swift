import BermoTestSupport
import Foundation
import Testing

@testable import BermoRuntime

/// One tokenizer for the whole suite: loading the vocabulary is the slow part. MiniLM ships tokenizer.json besides
/// vocab.txt; the model directory's tokenizer is the one read from tokenizer.json, as transformers reads it.
private let minilm = Result { try Tokenizer(modelDirectory: TestModel.minilmDirectory()) }

private func tokenizer() throws -> Tokenizer { try minilm.get() }

/// MiniLM's tokenizer from each of its two layouts.
private let minilmLayouts = Result {
    let directory = try TestModel.minilmDirectory()
    return [
        "tokenizer.json": try TokenizerLayout.tokenizerJSON(directory.appendingPathComponent("tokenizer.json")).load(),
        "vocab.txt": try TokenizerLayout.wordPieceVocabulary(
            vocab: directory.appendingPathComponent("vocab.txt"),
            configuration: directory.appendingPathComponent("tokenizer_config.json")).load(),
    ]
}

/// BERT's normalizer (with `options`) and pre-tokenizer, the Python `BasicTokenizer`.
private func basicWords(_ text: String, _ options: BertNormalizer = BertNormalizer()) -> [String] {
    Tokenizer.words(of: text, normalizer: .bert(options), preTokenizer: .bert)
}

/// A scratch directory for files the tests write, removed by the caller.
private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bermo-tokenizer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private let specialLines = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"

@Suite("Tokenizer: vocabulary")
struct VocabularyTests {
    @Test func realVocabularyHasBertSpecialIds() throws {
        let vocabulary = try Vocabulary(contentsOf: TestModel.minilmDirectory().appendingPathComponent("vocab.txt"))
        let specials = try BertSpecialTokens(in: vocabulary)
        #expect(vocabulary.count == 30522)
        #expect(specials.pad == 0)
        #expect(specials.unk == 100)
        #expect(specials.cls == 101)
        #expect(specials.sep == 102)
        #expect(specials.mask == 103)
        #expect(vocabulary.id(of: "hello") == 7592)
        #expect(vocabulary.token(of: 2088) == "world")
        #expect(vocabulary.token(of: 30522) == nil)
        #expect(vocabulary.token(of: -1) == nil)
    }

    @Test func linesFollowPythonReadlines() throws {
        // \n, \r\n and a lone \r end lines; a final newline adds nothing; empty lines are tokens; spaces are kept.
        func lines(_ text: String) throws -> [String] { try TextFile(bytes: Array(text.utf8), path: "vocab.txt").lines }
        #expect(try lines("a\nb\r\nc\rd") == ["a", "b", "c", "d"])
        #expect(try lines("a\n\nb\n") == ["a", "", "b"])
        #expect(try lines(" a \n") == [" a "])
        #expect(try lines("") == [])
    }

    @Test func aByteOrderMarkIsRefusedAsTransformersWouldKeepItInTokenZero() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let file = dir.file("vocab.txt")
        try Data([0xEF, 0xBB, 0xBF] + Array((["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"].joined(separator: "\n") + "\n").utf8)).write(to: file)
        let error = #expect(throws: RuntimeError.self) { try Vocabulary(contentsOf: file) }
        #expect(error?.message.contains("\(file.path): the file starts with a UTF-8 byte-order mark") == true, "\(String(describing: error))")
        #expect(error?.message.contains("<byte-order mark U+FEFF>[PAD]") == true, "\(String(describing: error))")
    }

    @Test func duplicateLinesMapToTheLastOne() throws {
        let vocabulary = try Vocabulary(tokens: ["x", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "x"])
        #expect(vocabulary.id(of: "x") == 6)
        #expect(vocabulary.token(of: 0) == "x")
        #expect(vocabulary.token(of: 6) == "x")
    }

    @Test func missingFileIsReportedWithItsPath() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/bermo/vocab.txt")
        let error = #expect(throws: FileError.self) { try Vocabulary(contentsOf: missing) }
        #expect(error?.description.contains("/nonexistent/bermo/vocab.txt: cannot read: no such file") == true)
    }

    @Test func missingSpecialTokenIsReported() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("vocab.txt")
        try "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n".write(to: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: RuntimeError.self) { try Tokenizer(vocabularyFile: file) }
        #expect(error?.message.contains("[MASK]") == true)
        #expect(error?.message.contains(file.path) == true)
    }
}

@Suite("Tokenizer: basic and WordPiece")
struct TokenizerBehaviourTests {
    @Test func basicTokenizerCleansLowercasesStripsAndSplits() {
        #expect(basicWords("Héllo, WORLD!") == ["hello", ",", "world", "!"])
        #expect(basicWords(" \tNaïve\u{00A0}Ångström\r\n") == ["naive", "angstrom"])
        #expect(basicWords("a\u{0}b\u{FFFD}c\u{200B}d\u{AD}e") == ["abcde"])
        #expect(basicWords("a\u{0B}b a\u{2028}b") == ["ab", "a", "b"])  // \v is a control, U+2028 whitespace
        #expect(basicWords("你好world") == ["你", "好", "world"])
        #expect(
            basicWords("$1+1=2 `x` ~y|z^")
                == ["$", "1", "+", "1", "=", "2", "`", "x", "`", "~", "y", "|", "z", "^"])
        #expect(basicWords("“¿Qué?”—sí…") == ["“", "¿", "que", "?", "”", "—", "si", "…"])
        #expect(basicWords("e\u{301}") == ["e"])  // a combining mark is its own scalar and gets stripped
        #expect(basicWords("İ") == ["i"])
        #expect(basicWords("ΟΔΟΣ") == ["οδοσ"])  // per-scalar lower-casing: no final sigma
        #expect(basicWords("") == [])
        #expect(basicWords("   ") == [])
    }

    @Test func basicTokenizerOptions() {
        #expect(basicWords("Héllo WORLD", BertNormalizer(lowercase: false)) == ["Héllo", "WORLD"])
        #expect(basicWords("Héllo İ", BertNormalizer(stripAccents: false, lowercase: true)) == ["héllo", "i\u{307}"])
        #expect(basicWords("Héllo", BertNormalizer(stripAccents: true, lowercase: false)) == ["Hello"])
        #expect(basicWords("你好world", BertNormalizer(handleChineseChars: false)) == ["你好world"])
        // Without cleaning, controls stay in the word and tabs separate words as whitespace.
        #expect(basicWords("a\u{0}b\tc", BertNormalizer(cleanText: false)) == ["a\u{0}b", "c"])
    }

    @Test func wordPieceIsGreedyLongestMatchFirst() throws {
        let bert = try tokenizer()
        #expect(bert.tokenize("unaffable") == ["una", "##ffa", "##ble"])
        #expect(bert.tokenize("playing played") == ["playing", "played"])
        #expect(bert.tokenize("soft\u{AD}hyphen") == ["soft", "##hy", "##ph", "##en"])
        #expect(bert.tokenize("ΟΔΟΣ") == ["ο", "##δ", "##ο", "##σ"])
        #expect(bert.tokenize("你好世界") == ["[UNK]", "[UNK]", "世", "[UNK]"])
        #expect(bert.tokenize("🥰 x") == ["[UNK]", "x"])
    }

    @Test func wordsLongerThan100ScalarsBecomeUnknown() throws {
        let bert = try tokenizer()
        #expect(bert.tokenize(String(repeating: "x", count: 101)) == ["[UNK]"])
        #expect(bert.tokenize(String(repeating: "x", count: 100)).count > 1)
        // Counted after normalization: 102 scalars that lose their 51 accents are a 51-letter word.
        #expect(bert.tokenize(String(repeating: "e\u{301}", count: 51)) != ["[UNK]"])
    }

    @Test func specialTokensInTextAreMatchedRawAndCaseSensitively() throws {
        let bert = try tokenizer()
        #expect(bert.tokenize("[MASK] is [mask]") == ["[MASK]", "is", "[", "mask", "]"])
        #expect(bert.ids(of: "a[SEP]b") == [1037, 102, 1038])
    }

}

@Suite("Tokenizer: encoding")
struct EncodingTests {
    @Test func encodesSinglesAndPairs() throws {
        let bert = try tokenizer()
        #expect(
            bert.encode("Hello world")
                == Encoding(inputIds: [101, 7592, 2088, 102], tokenTypeIds: [0, 0, 0, 0], attentionMask: [1, 1, 1, 1]))
        let pair = bert.encode("Hello world", pair: "How are you?")
        #expect(pair.inputIds == [101, 7592, 2088, 102, 2129, 2024, 2017, 1029, 102])
        #expect(pair.tokenTypeIds == [0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect(pair.attentionMask == Array(repeating: 1, count: 9))
        // Python treats an empty pair string as no pair.
        #expect(bert.encode("x", pair: "") == bert.encode("x"))
    }

    @Test func longestFirstKeepsHalfTheBudgetForTheShorterSequence() {
        // Fits: nothing removed.
        #expect(LongestFirstTruncation.keptLengths(first: 3, second: 4, budget: 7) == (3, 4))
        // Only the longer one gives up tokens while the shorter fits in what is left.
        #expect(LongestFirstTruncation.keptLengths(first: 2, second: 9, budget: 6) == (2, 4))
        #expect(LongestFirstTruncation.keptLengths(first: 9, second: 2, budget: 6) == (4, 2))
        // Both cut: the shorter keeps budget / 2, the longer the rest; on a tie the pair keeps the odd token.
        #expect(LongestFirstTruncation.keptLengths(first: 10, second: 10, budget: 5) == (2, 3))
        #expect(LongestFirstTruncation.keptLengths(first: 6, second: 7, budget: 5) == (2, 3))
        #expect(LongestFirstTruncation.keptLengths(first: 7, second: 6, budget: 5) == (3, 2))
        #expect(LongestFirstTruncation.keptLengths(first: 5, second: 6, budget: 10) == (5, 5))
        #expect(LongestFirstTruncation.keptLengths(first: 10, second: nil, budget: 4) == (4, 0))
    }

    @Test func truncatesToMaxLength() throws {
        let bert = try tokenizer()
        let text = "alpha alpha alpha alpha alpha", other = "beta beta beta beta beta"
        let encoding = bert.encode(text, pair: other, maxLength: 8)
        #expect(encoding.inputIds.count == 8)
        #expect(encoding.tokenTypeIds == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(bert.encode(text, maxLength: 4).inputIds.count == 4)
        #expect(bert.encode(text, maxLength: nil).inputIds.count == 7)
        // Too small for the special tokens: the reference gives up truncating.
        #expect(bert.encode(text, maxLength: 1).inputIds.count == 7)
    }

    @Test func padsBatchesToTheLongest() {
        let a = Encoding(inputIds: [101, 7, 102], tokenTypeIds: [0, 0, 0], attentionMask: [1, 1, 1])
        let b = Encoding(inputIds: [101, 102], tokenTypeIds: [0, 0], attentionMask: [1, 1])
        let batch = Encoding.padded([a, b], padId: 0)
        #expect(batch.batchSize == 2 && batch.sequenceLength == 3)
        #expect(batch.inputIds == [101, 7, 102, 101, 102, 0])
        #expect(batch.tokenTypeIds == [0, 0, 0, 0, 0, 0])
        #expect(batch.attentionMask == [1, 1, 1, 1, 1, 0])
        let wide = Encoding.padded([b], to: 4, padId: 0)
        #expect(wide.inputIds == [101, 102, 0, 0] && wide.attentionMask == [1, 1, 0, 0])
        #expect(Encoding.padded([], padId: 0).inputIds.isEmpty)
    }

    @Test func readsTokenizerConfig() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nHello\nhello\n").write(
            to: directory.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        // No config: uncased defaults.
        #expect(try Tokenizer(modelDirectory: directory).tokenize("Hello") == ["hello"])
        let config = directory.appendingPathComponent("tokenizer_config.json")
        try #"{"do_lower_case": false, "strip_accents": null, "unk_token": "[UNK]"}"#.write(
            to: config, atomically: true, encoding: .utf8)
        #expect(try Tokenizer(modelDirectory: directory).tokenize("Hello") == ["Hello"])
        try #"{"do_lower_case": 1}"#.write(to: config, atomically: true, encoding: .utf8)
        let error = #expect(throws: RuntimeError.self) { try Tokenizer(modelDirectory: directory) }
        #expect(error?.message.contains("do_lower_case") == true)
        #expect(error?.message.contains(config.path) == true)
        // Not JSON: the file and what is wrong, not a Foundation error dump.
        try #"{"do_lower_case": tru"#.write(to: config, atomically: true, encoding: .utf8)
        let garbage = #expect(throws: RuntimeError.self) { try Tokenizer(modelDirectory: directory) }
        #expect(garbage?.message.hasPrefix("\(config.path): it is not valid JSON") == true
                && garbage?.message.hasSuffix("; fix or delete the file (without it the Hugging Face defaults apply)") == true,
                "\(garbage?.message ?? "")")
    }
}

/// One case of `Tests/Fixtures/tokenizer_parity.jsonl`, written by `scripts/reference/make_tokenizer_fixture.py`.
private struct ParityCase: Decodable {
    var text: String
    var pair: String?
    var max_length: Int
    var input_ids: [Int32]
    var token_type_ids: [Int32]
}

@Suite("Tokenizer: parity with Hugging Face")
struct TokenizerParityTests {
    @Test("parity with BertTokenizerFast on the committed fixture, from tokenizer.json and from vocab.txt",
          arguments: ["tokenizer.json", "vocab.txt"])
    func parityWithReference(layout: String) throws {
        let tokenizer = try #require(try minilmLayouts.get()[layout])
        let decoder = JSONDecoder()
        let cases = try jsonLines(Fixtures.url("tokenizer_parity.jsonl")).map {
            try decoder.decode(ParityCase.self, from: $0)
        }
        #expect(cases.count >= 1000, "the fixture must not be (nearly) empty")
        var mismatches: [String] = []
        for (index, expected) in cases.enumerated() {
            let encoding = tokenizer.encode(expected.text, pair: expected.pair, maxLength: expected.max_length)
            if encoding.inputIds != expected.input_ids || encoding.tokenTypeIds != expected.token_type_ids {
                mismatches.append(mismatch(index, text: expected.text, pair: expected.pair, maxLength: expected.max_length,
                                           expected: (expected.input_ids, expected.token_type_ids), got: encoding))
            }
            #expect(encoding.attentionMask == Array(repeating: 1, count: encoding.inputIds.count))
        }
        let report = mismatches.prefix(5).joined(separator: "\n")
        #expect(mismatches.count == 0, "\(mismatches.count) of \(cases.count) cases differ; first ones:\n\(report)")
    }

    /// The two layouts of one model are one tokenizer: identical ids, case by case (and the model directory reads
    /// tokenizer.json, as AutoTokenizer does).
    @Test func minilmGivesIdenticalIdsFromTokenizerJSONAndVocabTxt() throws {
        let layouts = try minilmLayouts.get()
        let fromJSON = try #require(layouts["tokenizer.json"]), fromVocab = try #require(layouts["vocab.txt"])
        let cases = try jsonLines(Fixtures.url("tokenizer_parity.jsonl")).map {
            try JSONDecoder().decode(ParityCase.self, from: $0)
        }
        var differing = 0
        for expected in cases {
            let a = fromJSON.encode(expected.text, pair: expected.pair, maxLength: expected.max_length)
            let b = fromVocab.encode(expected.text, pair: expected.pair, maxLength: expected.max_length)
            if a != b { differing += 1 }
        }
        #expect(cases.count >= 1000 && differing == 0, "\(differing) of \(cases.count) cases differ")
        #expect(try TokenizerLayout(directory: TestModel.minilmDirectory())
                == .tokenizerJSON(TestModel.minilmDirectory().appendingPathComponent("tokenizer.json")))
        #expect(fromJSON.vocabulary.tokens == fromVocab.vocabulary.tokens)
    }

    /// Every Unicode scalar, put between two "x", must be dropped, turned into a space, split off, mapped or kept
    /// exactly as the reference's normalizer and pre-tokenizer do. This pins down the reference's Unicode 8.0
    /// character classes and catches drift when Swift's Unicode tables change.
    @Test("every scalar classified as the reference does")
    func everyScalarMatchesReference() throws {
        let table = try String(contentsOf: Fixtures.url("tokenizer_unicode.tsv"), encoding: .utf8)
        func scalars(_ hex: Substring) -> String {
            var text = String()
            for value in hex.split(separator: " ") {
                text.unicodeScalars.append(Unicode.Scalar(UInt32(value, radix: 16)!)!)
            }
            return text
        }
        var checked = 0
        var mismatches: [String] = []
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            let bounds = fields[0].split(separator: "-").map { UInt32($0, radix: 16)! }
            for value in bounds[0]...(bounds.last!) {
                let scalar = Unicode.Scalar(value)!
                var text = "x"
                text.unicodeScalars.append(scalar)
                text += "x"
                let expected: [String]
                switch fields[1] {
                case "keep": expected = [text]
                case "drop": expected = ["xx"]
                case "space": expected = ["x", "x"]
                case "split": expected = ["x", String(scalar), "x"]
                case "to": expected = ["x" + scalars(fields[2]) + "x"]
                default:
                    expected = fields[2].split(separator: "/", omittingEmptySubsequences: false).map { scalars($0) }
                }
                let got = basicWords(text)
                if got != expected {
                    let name = "U+" + String(value, radix: 16, uppercase: true)
                    mismatches.append("\(name) expected \(expected.map(describe)) got \(got.map(describe))")
                }
                checked += 1
            }
        }
        #expect(checked == 0x110000 - 0x800)
        let report = mismatches.prefix(10).joined(separator: "\n")
        #expect(mismatches.count == 0, "\(mismatches.count) scalars differ; first ones:\n\(report)")
    }
}
