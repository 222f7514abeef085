/// The normalizer, pre-tokenizer and post-processor of `tokenizer.json`, each `null` or one of the supported
/// kinds (`TokenizerJSON.Supported`). Fields that change no id (offset trimming) are not read.
extension TokenizerJSON {
    static func readNormalizer(_ field: JSONField?) throws -> Normalizer? {
        guard let field, !field.isNull else { return nil }
        switch try type(of: field, kind: "normalizer", supported: Supported.normalizers) {
        case "BertNormalizer":
            let stripAccents = try field.member("strip_accents")
            return .bert(BertNormalizer(
                cleanText: try field.required("clean_text").bool(),
                handleChineseChars: try field.required("handle_chinese_chars").bool(),
                stripAccents: stripAccents == nil || stripAccents!.isNull ? nil : try stripAccents!.bool(),
                lowercase: try field.required("lowercase").bool()))
        case "Lowercase": return .lowercase
        case "NFD": return .nfd
        case "NFKD": return .nfkd
        case "NFC": return .nfc
        case "NFKC": return .nfkc
        case "StripAccents": return .stripAccents
        case "Strip": return .strip(left: try field.required("strip_left").bool(), right: try field.required("strip_right").bool())
        default: return .sequence(try field.required("normalizers").elements().map { try readNormalizer($0)! })
        }
    }

    static func readPreTokenizer(_ field: JSONField?) throws -> PreTokenizer? {
        guard let field, !field.isNull else { return nil }
        switch try type(of: field, kind: "pre_tokenizer", supported: Supported.preTokenizers) {
        case "BertPreTokenizer": return .bert
        default:
            let useRegex = try field.member("use_regex")
            return .byteLevel(ByteLevelPreTokenizer(addPrefixSpace: try field.required("add_prefix_space").bool(),
                                                    useRegex: useRegex == nil ? true : try useRegex!.bool()))
        }
    }

    /// The post-processor; every special token it adds must be the vocabulary's token of that id.
    static func readPostProcessor(_ field: JSONField?, vocabulary: Vocabulary) throws -> PostProcessor? {
        guard let field, !field.isNull else { return nil }
        switch try type(of: field, kind: "post_processor", supported: Supported.postProcessors) {
        case "BertProcessing":
            return .bert(cls: try specialToken(try field.required("cls"), vocabulary),
                         sep: try specialToken(try field.required("sep"), vocabulary))
        case "RobertaProcessing":
            return .roberta(cls: try specialToken(try field.required("cls"), vocabulary),
                            sep: try specialToken(try field.required("sep"), vocabulary))
        case "TemplateProcessing": return .template(try readTemplate(field, vocabulary: vocabulary))
        case "ByteLevel": return .byteLevel
        default:
            let elements = try field.required("processors").elements()
            let processors = try elements.map { try readPostProcessor($0, vocabulary: vocabulary)! }
            let changing = zip(elements, processors).filter { if case .byteLevel = $1 { false } else { true } }
            if changing.count > 1 {
                throw field.error("a Sequence post-processor with more than one that adds special tokens ("
                    + changing.map { $0.0.path }.joined(separator: ", ") + ") is not supported",
                    fix: "keep one BertProcessing, RobertaProcessing or TemplateProcessing in the sequence")
            }
            return .sequence(processors)
        }
    }

    /// `["[SEP]", 102]`: the token and its id, which must agree with the vocabulary.
    private static func specialToken(_ field: JSONField, _ vocabulary: Vocabulary) throws -> Int32 {
        let pair = try field.elements()
        guard pair.count == 2 else {
            throw field.error("expected [token, id], found a list of \(pair.count)", fix: "download the file again")
        }
        return try checkedId(try pair[1].id(), spelled: try pair[0].string(), at: pair[1], vocabulary)
    }

    /// `id`, when the vocabulary spells it `token`.
    private static func checkedId(_ id: Int32, spelled token: String, at field: JSONField, _ vocabulary: Vocabulary) throws -> Int32 {
        guard let spelling = vocabulary.token(of: id) else {
            throw field.error("the id \(id) of \(VisibleText.quoted(token)) is beyond the vocabulary's \(vocabulary.count) tokens",
                              fix: "the file is damaged or was edited by hand; download it again")
        }
        guard spelling == token else {
            throw field.error("the id \(id) is \(VisibleText.quoted(spelling)) in the vocabulary, not \(VisibleText.quoted(token))",
                              fix: "the file is damaged or was edited by hand; download it again")
        }
        return id
    }

    /// `single` and `pair` templates over `special_tokens`; the single template reads only A, the pair template both.
    private static func readTemplate(_ field: JSONField, vocabulary: Vocabulary) throws -> TemplateProcessing {
        var specials: [String: [Int32]] = [:]
        for (name, entry) in try field.required("special_tokens").members() {
            let ids = try entry.required("ids").elements(), tokens = try entry.required("tokens").elements()
            guard ids.count == tokens.count else {
                throw entry.error("\(ids.count) ids but \(tokens.count) tokens", fix: "download the file again")
            }
            specials[name] = try zip(ids, tokens).map { try checkedId(try $0.id(), spelled: try $1.string(), at: $0, vocabulary) }
        }
        func template(_ key: String, pair: Bool) throws -> [TemplateProcessing.Piece] {
            let pieces = try field.required(key).elements().map { piece -> TemplateProcessing.Piece in
                if let sequence = try piece.member("Sequence") {
                    let name = try sequence.required("id").string()
                    guard name == "A" || (pair && name == "B") else {
                        throw sequence.error("sequence \(VisibleText.quoted(name)) cannot be used here (the \(key) template "
                            + "reads \(pair ? "A and B" : "A only"))", fix: "download the file again")
                    }
                    return .sequence(isFirst: name == "A", type: try sequence.required("type_id").id())
                }
                let special = try piece.required("SpecialToken")
                let name = try special.required("id").string()
                guard let ids = specials[name] else {
                    throw special.error("\(VisibleText.quoted(name)) is not one of the special_tokens", fix: "download the file again")
                }
                return .special(ids: ids, type: try special.required("type_id").id())
            }
            let sequences = Set(pieces.compactMap { if case .sequence(let isFirst, _) = $0 { isFirst } else { nil } })
            if pair && sequences.count < 2 {
                throw try field.required(key).error("the pair template must read both sequences, A and B", fix: "download the file again")
            }
            return pieces
        }
        return TemplateProcessing(single: try template("single", pair: false), pair: try template("pair", pair: true))
    }
}
