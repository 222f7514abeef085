import Foundation

/// Reads `tokenizer.json`, the `tokenizers` library's serialisation, into a `Tokenizer`, with the components the
/// encoder families use (BERT, DistilBERT, ELECTRA: `BertNormalizer` + `BertPreTokenizer` + `WordPiece`; RoBERTa:
/// `ByteLevel` + `BPE`). Everything in the file is checked before use: a component bermo does not implement is
/// refused by name with the list of those it does, and every id must name a token of the vocabulary, so a
/// malformed file ends in a message naming the field, never in a crash or in ids the model cannot look up.
///
/// `truncation` and `padding` are not read: transformers replaces them with the caller's settings on every call,
/// and bermo's callers give their own maximum length. `decoder` only matters for turning ids back into text.
enum TokenizerJSON {
    static let fileName = "tokenizer.json"

    static func load(_ url: URL) throws -> Tokenizer {
        let root = try JSONField.read(url, unreadableFix: "download the model's tokenizer.json again")
        if let version = try root.member("version"), try version.string() != "1.0" {
            throw version.error("version \(VisibleText.quoted(try version.string())) is not supported (bermo reads version "
                + "'1.0', as tokenizers 0.23 writes it)", fix: "save the tokenizer again with a current tokenizers library")
        }
        let (model, modelVocabulary) = try readModel(try root.required("model"))
        let normalizer = try readNormalizer(try root.member("normalizer"))
        let preTokenizer = try readPreTokenizer(try root.member("pre_tokenizer"))
        let (addedTokens, vocabulary) = try readAddedTokens(try root.member("added_tokens"), after: modelVocabulary, file: url.path)
        let postProcessor = try readPostProcessor(try root.member("post_processor"), vocabulary: vocabulary)
        return Tokenizer(vocabulary: vocabulary, addedTokens: addedTokens, normalizer: normalizer,
                         preTokenizer: preTokenizer, model: model, postProcessor: postProcessor)
    }

    /// The component kinds bermo implements, for the messages that refuse the others.
    enum Supported {
        static let normalizers = ["BertNormalizer", "Lowercase", "NFD", "NFKD", "NFC", "NFKC", "StripAccents", "Strip", "Sequence"]
        static let preTokenizers = ["BertPreTokenizer", "ByteLevel"]
        static let models = ["WordPiece", "BPE"]
        static let postProcessors = ["BertProcessing", "RobertaProcessing", "TemplateProcessing", "ByteLevel", "Sequence"]
    }

    /// The `type` of a component, refused unless it is one of `supported`.
    static func type(of field: JSONField, kind: String, supported: [String]) throws -> String {
        let type = try field.required("type").string()
        guard supported.contains(type) else {
            throw field.error("\(kind) type \(VisibleText.quoted(type)) is not supported; supported: "
                + supported.joined(separator: ", "),
                fix: "bermo reads the tokenizers of BERT, DistilBERT, ELECTRA and RoBERTa models")
        }
        return type
    }

    // MARK: model

    /// The model and its own token table, whose ids must be exactly 0 to count − 1 (the library numbers added
    /// tokens from the table's size on, so a table with gaps would give two tokens one id).
    static func readModel(_ field: JSONField) throws -> (TokenizerModel, Vocabulary) {
        let type = try type(of: field, kind: "model", supported: Supported.models)
        let vocabulary = try readVocabulary(try field.required("vocab"))
        func token(_ name: String) throws -> (String, Int32)? {
            guard let member = try field.member(name), !member.isNull else { return nil }
            let token = try member.string()
            guard let id = vocabulary.id(of: token) else {
                throw member.error("\(VisibleText.quoted(token)) is not in the vocabulary (model.vocab)",
                                   fix: "the file is damaged or was edited by hand; download it again")
            }
            return (token, id)
        }
        switch type {
        case "WordPiece":
            guard let (_, unkId) = try token("unk_token") else {
                throw try field.required("unk_token").error("WordPiece needs an unknown token", fix: "download the file again")
            }
            let model = WordPieceTokenizer(
                idsByToken: vocabulary.idsByToken, unkId: unkId,
                continuingSubwordPrefix: try field.required("continuing_subword_prefix").string(),
                maxInputCharsPerWord: try field.required("max_input_chars_per_word").int(in: 0...Int(Int32.max)))
            return (.wordPiece(model), vocabulary)
        default:
            if let dropout = try field.member("dropout"), !dropout.isNull, dropout.value.doubleValue != 0 {
                throw dropout.error("BPE dropout \(dropout.value.doubleValue.map { "\($0)" } ?? "(not a number)") is not "
                    + "supported: with dropout a text has no single tokenization, so features and scores would vary by run",
                    fix: "set \"dropout\" to null (dropout is a training-time augmentation)")
            }
            func flag(_ name: String) throws -> Bool {
                guard let member = try field.member(name), !member.isNull else { return false }
                return try member.bool()
            }
            if try flag("byte_fallback") {
                throw try field.required("byte_fallback").error("BPE byte_fallback is not supported (it belongs to the "
                    + "SentencePiece-style BPE of decoder models such as Llama, not to the encoder families bermo reads)",
                    fix: "use a byte-level BPE tokenizer (RoBERTa's)")
            }
            func text(_ name: String) throws -> String {
                guard let member = try field.member(name), !member.isNull else { return "" }
                return try member.string()
            }
            let model = try BPEModel(
                idsByToken: vocabulary.idsByToken, merges: try readMerges(try field.required("merges")),
                unkId: try token("unk_token")?.1, fusesUnknown: try flag("fuse_unk"),
                continuingSubwordPrefix: try text("continuing_subword_prefix"), endOfWordSuffix: try text("end_of_word_suffix"),
                ignoresMerges: try flag("ignore_merges"))
            return (.bpe(model), vocabulary)
        }
    }

    /// A token → id table (`model.vocab` here, `vocab.json` beside `merges.txt`): every id a whole number, no id
    /// twice, no gap.
    static func readVocabulary(_ field: JSONField) throws -> Vocabulary {
        let members = try field.members()
        var tokens = [String?](repeating: nil, count: members.count)
        for (token, member) in members {
            let id = Int(try member.id())
            guard id < members.count else {
                throw member.error("the id \(id) is beyond the table's \(members.count) tokens, whose ids must be 0 to "
                    + "\(members.count - 1)", fix: "the file is damaged or was edited by hand; download it again")
            }
            if let other = tokens[id] {
                throw member.error("the id \(id) is also the id of \(VisibleText.quoted(other)); every token needs its own id",
                                   fix: "the file is damaged or was edited by hand; download it again")
            }
            tokens[id] = token
        }
        // No id twice and none beyond the count: every id from 0 to count − 1 is taken.
        return try Vocabulary(tokens: tokens.map { $0! }, source: field.file, entries: .ids)
    }

    /// `merges`: `["a b", …]` (the older form, one space between the two tokens) or `[["a", "b"], …]`.
    static func readMerges(_ field: JSONField) throws -> [BPEModel.MergeRule] {
        try field.elements().map { element in
            let pair: [String]
            if case .string(let text) = element.value {
                pair = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else {
                pair = try element.elements().map { try $0.string() }
            }
            guard pair.count == 2 else {
                throw element.error("a merge names two tokens (\"a b\" or [\"a\", \"b\"]), this one \(pair.count)",
                                    fix: "the file is damaged or was edited by hand; download it again")
            }
            return BPEModel.MergeRule(left: pair[0], right: pair[1], location: "\(element.file): \(element.path)")
        }
    }

    // MARK: added tokens

    /// The added tokens, and the vocabulary of every id: the model's, then the added tokens it lacks. An added
    /// token's id is the model's id for it when it has one, else the next free id from the model's size on, in file
    /// order, which is how the library numbers them whatever the file says; a file that says otherwise is refused.
    static func readAddedTokens(_ field: JSONField?, after model: Vocabulary, file: String) throws -> ([AddedToken], Vocabulary) {
        guard let field, !field.isNull else { return ([], model) }
        var tokens: [AddedToken] = []
        var extra: [String] = []
        var places: [String: String] = [:]
        for element in try field.elements() {
            let content = try element.required("content").string()
            guard !content.isEmpty else {
                throw element.error("an added token has empty content", fix: "delete it from added_tokens")
            }
            if let earlier = places[content] {
                throw element.error("\(VisibleText.quoted(content)) is added again (as \(earlier)); the library would keep "
                    + "the second's settings", fix: "delete one of the two")
            }
            places[content] = element.path
            let declared = try element.required("id").id()
            let id = model.id(of: content) ?? Int32(model.count + extra.count)
            guard declared == id else {
                let reason = model.id(of: content) != nil ? "the model's vocabulary gives it \(id)"
                    : "added tokens the model lacks are numbered from \(model.count), so it gets \(id)"
                throw element.error("\(VisibleText.quoted(content)) has id \(declared), but \(reason) (the tokenizers library "
                    + "would use \(id))", fix: "the file is damaged or was edited by hand; download it again")
            }
            if model.id(of: content) == nil { extra.append(content) }
            _ = try element.required("special").bool()
            tokens.append(AddedToken(content: content, id: id, singleWord: try element.required("single_word").bool(),
                                     lstrip: try element.required("lstrip").bool(), rstrip: try element.required("rstrip").bool(),
                                     normalized: try element.required("normalized").bool()))
        }
        let vocabulary = extra.isEmpty ? model : try Vocabulary(tokens: model.tokens + extra, source: file, entries: .ids)
        return (tokens, vocabulary)
    }
}
