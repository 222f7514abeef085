import BermoTestSupport
import Foundation
import Testing

@testable import BermoRuntime

/// Every file a tokenizer is read from is untrusted: a component bermo does not implement, a wrong type, an id that
/// names no token or the wrong one, merges that do not belong to the vocabulary. Each is refused with a message
/// naming the file and the field (or line), never a crash or ids the model cannot look up.
@Suite("tokenizer.json, vocab.json + merges.txt: refusals")
struct TokenizerJSONRefusalTests {
    /// The message loading the fixture tokenizer `base` fails with after `edit`, prefixed by nothing: callers
    /// check that it starts with the file's path.
    private func refusal(_ base: String = "wordpiece", _ edit: (inout [String: Any]) throws -> Void) throws -> (String, URL) {
        let scratch = try TemporaryDirectory(); defer { scratch.cleanup() }
        let file = try FixtureTokenizers.writeTokenizerJSON(base: base, in: scratch, edit: edit)
        let error = #expect(throws: RuntimeError.self) { try Tokenizer(modelDirectory: file.deletingLastPathComponent()) }
        return (error?.message ?? "(no error)", file)
    }

    /// Checks that the refusal of `edit` starts with the file's path and contains each of `parts`.
    private func expectRefusal(_ parts: [String], base: String = "wordpiece", sourceLocation: SourceLocation = #_sourceLocation,
                               _ edit: (inout [String: Any]) throws -> Void) throws {
        let (message, file) = try refusal(base, edit)
        #expect(message.hasPrefix(file.path + ": "), "\(message)", sourceLocation: sourceLocation)
        for part in parts { #expect(message.contains(part), "expected \"\(part)\" in: \(message)", sourceLocation: sourceLocation) }
    }

    @Test func unsupportedComponentsAreNamedWithTheSupportedOnes() throws {
        try expectRefusal(["normalizer type 'Precompiled' is not supported; supported: BertNormalizer, Lowercase, NFD, NFKD, NFC, "
                           + "NFKC, StripAccents, Strip, Sequence"]) {
            $0["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": "AAAA"]
        }
        try expectRefusal(["normalizer.normalizers[1]: normalizer type 'Replace' is not supported"]) {
            $0["normalizer"] = ["type": "Sequence", "normalizers": [["type": "NFD"], ["type": "Replace", "pattern": "a", "content": "b"]]]
        }
        try expectRefusal(["pre_tokenizer type 'Metaspace' is not supported; supported: BertPreTokenizer, ByteLevel"]) {
            $0["pre_tokenizer"] = ["type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true]
        }
        try expectRefusal(["model type 'Unigram' is not supported; supported: WordPiece, BPE"]) {
            $0["model"] = ["type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]]]
        }
        try expectRefusal(["post_processor type 'Mystery' is not supported; supported: BertProcessing, RobertaProcessing, "
                           + "TemplateProcessing, ByteLevel, Sequence"]) {
            $0["post_processor"] = ["type": "Mystery"]
        }
        try expectRefusal(["post_processor: a Sequence post-processor with more than one that adds special tokens "
                           + "(post_processor.processors[0], post_processor.processors[1]) is not supported"]) {
            let bert: [String: Any] = ["type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]]
            $0["post_processor"] = ["type": "Sequence", "processors": [bert, bert]]
        }
        try expectRefusal(["normalizer: the field 'type' is missing"]) { $0["normalizer"] = ["lowercase": true] }
    }

    @Test func byteLevelBPEOptionsThatChangeIdsBetweenRunsOrBelongToOtherModelsAreRefused() throws {
        try expectRefusal(["model.dropout: BPE dropout 0.1 is not supported", "set \"dropout\" to null"], base: "bpe") {
            FixtureTokenizers.set(&$0, path: ["model", "dropout"], to: 0.1)
        }
        try expectRefusal(["model.byte_fallback: BPE byte_fallback is not supported"], base: "bpe") {
            FixtureTokenizers.set(&$0, path: ["model", "byte_fallback"], to: true)
        }
        // A dropout of 0 is no dropout (the library treats it so): the same ids as null.
        let scratch = try TemporaryDirectory(); defer { scratch.cleanup() }
        let zero = try FixtureTokenizers.writeTokenizerJSON(base: "bpe", in: scratch) {
            FixtureTokenizers.set(&$0, path: ["model", "dropout"], to: 0.0)
        }
        let original = try Tokenizer(modelDirectory: FixtureTokenizers.directory.appendingPathComponent("bpe"))
        let text = "Dropout off: the same ids, ünïcode and all."
        #expect(try Tokenizer(modelDirectory: zero.deletingLastPathComponent()).encode(text) == original.encode(text))
    }

    @Test func vocabularyIdsMustBeWholeNumbersEachUsedOnceWithoutGaps() throws {
        try expectRefusal(["model.vocab['the']: the id 2 is also the id of '[CLS]'; every token needs its own id"]) {
            FixtureTokenizers.set(&$0, path: ["model", "vocab", "the"], to: 2)
        }
        try expectRefusal(["model.vocab['the']: -1 is out of range (0 to 2147483647)"]) {
            FixtureTokenizers.set(&$0, path: ["model", "vocab", "the"], to: -1)
        }
        try expectRefusal(["model.vocab['the']: the id 99999 is beyond the table's 3000 tokens, whose ids must be 0 to 2999"]) {
            FixtureTokenizers.set(&$0, path: ["model", "vocab", "the"], to: 99999)
        }
        try expectRefusal(["model.vocab['the']: expected a whole number, found the string '7'"]) {
            FixtureTokenizers.set(&$0, path: ["model", "vocab", "the"], to: "7")
        }
        try expectRefusal(["model.vocab['the']: expected a whole number, found the number 1.5"]) {
            FixtureTokenizers.set(&$0, path: ["model", "vocab", "the"], to: 1.5)
        }
        try expectRefusal(["model.vocab: expected an object, found a list"]) {
            FixtureTokenizers.set(&$0, path: ["model", "vocab"], to: ["a", "b"])
        }
        try expectRefusal(["model.unk_token: '[NOPE]' is not in the vocabulary (model.vocab)"]) {
            FixtureTokenizers.set(&$0, path: ["model", "unk_token"], to: "[NOPE]")
        }
        try expectRefusal(["model.max_input_chars_per_word: -5 is out of range"]) {
            FixtureTokenizers.set(&$0, path: ["model", "max_input_chars_per_word"], to: -5)
        }
    }

    @Test func addedTokensMustHaveTheIdsTheLibraryGivesThem() throws {
        func editAdded(_ json: inout [String: Any], _ index: Int, _ key: String, _ value: Any) {
            var added = json["added_tokens"] as! [[String: Any]]
            added[index][key] = value
            json["added_tokens"] = added
        }
        try expectRefusal(["added_tokens[2]: '[CLS]' has id 7, but the model's vocabulary gives it 2 (the tokenizers library would use 2)"]) {
            editAdded(&$0, 2, "id", 7)
        }
        try expectRefusal(["added_tokens[5]: 'New York' has id 5000, but added tokens the model lacks are numbered from 3000, so it gets 3000"]) {
            editAdded(&$0, 5, "id", 5000)
        }
        try expectRefusal(["added_tokens[6]: '[CLS]' is added again (as added_tokens[2])"]) {
            editAdded(&$0, 6, "content", "[CLS]")
        }
        try expectRefusal(["added_tokens[0]: an added token has empty content"]) { editAdded(&$0, 0, "content", "") }
        try expectRefusal(["added_tokens[1].lstrip: expected true or false, found null"]) { editAdded(&$0, 1, "lstrip", NSNull()) }
    }

    @Test func postProcessorsMustNameTheVocabularysTokens() throws {
        try expectRefusal(["post_processor.sep[1]: the id 9 is '%' in the vocabulary, not '[SEP]'"]) {
            $0["post_processor"] = ["type": "BertProcessing", "sep": ["[SEP]", 9], "cls": ["[CLS]", 2]]
        }
        try expectRefusal(["post_processor.cls[1]: the id 99999 of '[CLS]' is beyond the vocabulary's 3003 tokens"]) {
            $0["post_processor"] = ["type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 99999]]
        }
        let specials: [String: Any] = ["[CLS]": ["id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]]]
        try expectRefusal(["post_processor.single[2].SpecialToken: '[SEP]' is not one of the special_tokens"]) {
            $0["post_processor"] = ["type": "TemplateProcessing", "special_tokens": specials,
                                    "single": [["SpecialToken": ["id": "[CLS]", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]],
                                               ["SpecialToken": ["id": "[SEP]", "type_id": 0]]],
                                    "pair": [["Sequence": ["id": "A", "type_id": 0]], ["Sequence": ["id": "B", "type_id": 1]]]]
        }
        try expectRefusal(["post_processor.single[0].Sequence: sequence 'B' cannot be used here (the single template reads A only)"]) {
            $0["post_processor"] = ["type": "TemplateProcessing", "special_tokens": specials,
                                    "single": [["Sequence": ["id": "B", "type_id": 0]]],
                                    "pair": [["Sequence": ["id": "A", "type_id": 0]], ["Sequence": ["id": "B", "type_id": 1]]]]
        }
        try expectRefusal(["post_processor.pair: the pair template must read both sequences, A and B"]) {
            $0["post_processor"] = ["type": "TemplateProcessing", "special_tokens": specials,
                                    "single": [["Sequence": ["id": "A", "type_id": 0]]],
                                    "pair": [["Sequence": ["id": "A", "type_id": 0]]]]
        }
        try expectRefusal(["post_processor.special_tokens['[CLS]']: 2 ids but 1 tokens"]) {
            $0["post_processor"] = ["type": "TemplateProcessing",
                                    "special_tokens": ["[CLS]": ["id": "[CLS]", "ids": [2, 3], "tokens": ["[CLS]"]]],
                                    "single": [["Sequence": ["id": "A", "type_id": 0]]],
                                    "pair": [["Sequence": ["id": "A", "type_id": 0]], ["Sequence": ["id": "B", "type_id": 1]]]]
        }
    }

    @Test func mergesMustBelongToTheVocabulary() throws {
        func setMerge(_ json: inout [String: Any], _ index: Int, _ merge: Any) {
            var model = json["model"] as! [String: Any], merges = model["merges"] as! [Any]
            merges[index] = merge
            model["merges"] = merges
            json["model"] = model
        }
        try expectRefusal(["model.merges[0]: the merge's second token 'notatoken' is not in the vocabulary"], base: "bpe") {
            setMerge(&$0, 0, ["Ġ", "notatoken"])
        }
        try expectRefusal(["model.merges[1]: the merge's result 'hĠ' is not in the vocabulary"], base: "bpe") {
            setMerge(&$0, 1, ["h", "Ġ"])
        }
        try expectRefusal(["model.merges[5] merges 'Ġ' and 't' again (as", "model.merges[0] does)"], base: "bpe") {
            setMerge(&$0, 5, ["Ġ", "t"])
        }
        try expectRefusal(["model.merges[3]: a merge names two tokens (\"a b\" or [\"a\", \"b\"]), this one 3"], base: "bpe") {
            setMerge(&$0, 3, "i n g")
        }
        try expectRefusal(["model.merges[3]: a merge names two tokens (\"a b\" or [\"a\", \"b\"]), this one 1"], base: "bpe") {
            setMerge(&$0, 3, ["in"])
        }
    }

    /// The older form of merges, "a b" strings, is the same model as [a, b] pairs.
    @Test func mergesWrittenAsStringsGiveTheSameIds() throws {
        let scratch = try TemporaryDirectory(); defer { scratch.cleanup() }
        let file = try FixtureTokenizers.writeTokenizerJSON(base: "bpe", in: scratch) { json in
            var model = json["model"] as! [String: Any]
            model["merges"] = (model["merges"] as! [[String]]).map { $0.joined(separator: " ") }
            json["model"] = model
        }
        let strings = try Tokenizer(modelDirectory: file.deletingLastPathComponent())
        let pairs = try Tokenizer(modelDirectory: FixtureTokenizers.directory.appendingPathComponent("bpe"))
        for text in ["The quick brown fox jumps over the lazy dog.", "naïve café, 東京 😀", "   spaced   out  "] {
            #expect(strings.encode(text) == pairs.encode(text))
        }
    }

    @Test func malformedFilesNameTheFileAndWhatIsWrong() throws {
        try expectRefusal(["version '2.0' is not supported"]) { $0["version"] = "2.0" }
        try expectRefusal(["the field 'model' is missing"]) { $0["model"] = nil }
        let scratch = try TemporaryDirectory(); defer { scratch.cleanup() }
        let source = try Data(contentsOf: FixtureTokenizers.directory.appendingPathComponent("wordpiece/tokenizer.json"))
        let cases: [(name: String, bytes: Data, expected: String)] = [
            ("truncated", source.prefix(source.count / 2), "it is not valid JSON"),
            ("byte-order mark", Data([0xEF, 0xBB, 0xBF]) + source, "the file starts with a UTF-8 byte-order mark"),
            ("key twice", Data("{\"version\": \"1.0\", \"version\": \"1.0\"}".utf8), ":1: key 'version' appears twice"),
            ("not UTF-8", Data([0x7B, 0xFF, 0x7D]), "tokenizer.json:1:2"),
            ("a list", Data("[]".utf8), "expected an object, found a list"),
        ]
        for (name, bytes, expected) in cases {
            let folder = scratch.file(name.filter(\.isLetter))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("tokenizer.json")
            try bytes.write(to: file)
            let error = #expect(throws: (any Error).self, "\(name)") { try Tokenizer(modelDirectory: folder) }
            let message = "\(error.map { "\($0)" } ?? "(no error)")"
            #expect(message.hasPrefix(file.path), "\(name): \(message)")
            #expect(message.contains(expected), "\(name): \(message)")
        }
    }

    @Test func vocabJSONAndMergesTxtAreCheckedLikeTokenizerJSON() throws {
        let scratch = try TemporaryDirectory(); defer { scratch.cleanup() }
        let source = FixtureTokenizers.directory.appendingPathComponent("bpe-files")
        func folder(_ name: String, vocab: (inout [String: Any]) -> Void = { _ in }, merges: (inout [String]) -> Void = { _ in }) throws -> URL {
            let folder = scratch.file(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("vocab.json")))
                as? [String: Any])
            vocab(&json)
            try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("vocab.json"))
            var lines = try String(contentsOf: source.appendingPathComponent("merges.txt"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            merges(&lines)
            try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
            return folder
        }
        func message(_ folder: URL) -> String {
            let error = #expect(throws: RuntimeError.self) { try Tokenizer(modelDirectory: folder) }
            return error?.message ?? "(no error)"
        }
        let badLine = try folder("bad-line", merges: { $0[2] = "h e x" })
        #expect(message(badLine).hasPrefix(badLine.appendingPathComponent("merges.txt").path + ":3: 'h e x' is not a merge"))
        let unknown = try folder("unknown", merges: { $0[4] = "Ġ zzzz" })
        #expect(message(unknown).hasPrefix(unknown.appendingPathComponent("merges.txt").path
                                           + ":5: the merge's second token 'zzzz' is not in the vocabulary"))
        let stringId = try folder("string-id", vocab: { $0["the"] = "12" })
        #expect(message(stringId).hasPrefix(stringId.appendingPathComponent("vocab.json").path
                                            + ": ['the']: expected a whole number, found the string '12'"))
        let noMask = try folder("no-mask", vocab: { json in
            let id = json["<mask>"]; json["<mask>"] = nil; json["<masque>"] = id
        })
        #expect(message(noMask).contains("vocab.json has no '<mask>', one of RoBERTa's special tokens"))
        // Layouts that are incomplete or ambiguous.
        let lonely = try folder("lonely")
        try FileManager.default.removeItem(at: lonely.appendingPathComponent("merges.txt"))
        #expect(message(lonely).contains("has vocab.json but no merges.txt beside it"))
        let both = try folder("both")
        try "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n".write(to: both.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        #expect(message(both).contains("has both vocab.txt (a WordPiece tokenizer) and vocab.json (a BPE tokenizer)"))
        let empty = scratch.file("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(message(empty).contains("has no tokenizer: it needs tokenizer.json, vocab.txt, or vocab.json with merges.txt"))
    }

    /// transformers rebuilds BERT's normalizer and RoBERTa's pre-tokenizer from tokenizer_config.json; where that
    /// file contradicts tokenizer.json the two references disagree, and the folder is refused.
    @Test func aTokenizerConfigThatContradictsTokenizerJSONIsRefused() throws {
        let scratch = try TemporaryDirectory(); defer { scratch.cleanup() }
        func folder(_ base: String, _ name: String, configuration: String) throws -> URL {
            let folder = try FixtureTokenizers.writeTokenizerJSON(base: base, in: scratch, as: name) { _ in }.deletingLastPathComponent()
            try configuration.write(to: folder.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
            return folder
        }
        let cased = try folder("wordpiece", "cased", configuration: #"{"tokenizer_class": "BertTokenizer", "do_lower_case": false}"#)
        let error = #expect(throws: RuntimeError.self) { try Tokenizer(modelDirectory: cased) }
        #expect(error?.message.hasPrefix(cased.appendingPathComponent("tokenizer_config.json").path
            + " and tokenizer.json disagree: do_lower_case false but lowercase true; strip_accents (in effect) false but "
            + "strip_accents (in effect) true") == true, "\(error?.message ?? "")")
        let prefix = try folder("bpe", "prefix", configuration: #"{"add_prefix_space": true}"#)
        let bpeError = #expect(throws: RuntimeError.self) { try Tokenizer(modelDirectory: prefix) }
        #expect(bpeError?.message.contains("disagree: add_prefix_space true but add_prefix_space false") == true,
                "\(bpeError?.message ?? "")")
        // Agreeing files, and a generic class that transformers builds from tokenizer.json alone, are read.
        _ = try Tokenizer(modelDirectory: try folder("wordpiece", "agreeing", configuration: #"{"do_lower_case": true}"#))
        _ = try Tokenizer(modelDirectory: try folder("wordpiece", "generic",
                                                     configuration: #"{"tokenizer_class": "PreTrainedTokenizerFast", "do_lower_case": false}"#))
    }
}
