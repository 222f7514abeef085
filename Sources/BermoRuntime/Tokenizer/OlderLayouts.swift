import Foundation

/// The layouts from before `tokenizer.json`, turned into the components transformers (5.x) builds from them, so
/// that they run through the same pipeline: `vocab.txt` as `Tokenizer` does, `vocab.json` + `merges.txt` as
/// `RobertaTokenizer` does.
extension Tokenizer {
    /// BERT's WordPiece from `vocab.txt`: the BERT normalizer (with the `tokenizer_config.json` options: lower-casing,
    /// CJK spacing, accent stripping, where `stripAccents == nil` strips exactly when lower-casing), the BERT
    /// pre-tokenizer, WordPiece with `[UNK]` and `##`, `[CLS] A [SEP] B [SEP]`, and the five special tokens matched
    /// in the raw text.
    public init(vocabularyFile: URL, doLowerCase: Bool = true, tokenizeChineseChars: Bool = true, stripAccents: Bool? = nil) throws {
        let vocabulary = try Vocabulary(contentsOf: vocabularyFile)
        let specials = try BertSpecialTokens(in: vocabulary)
        self.init(
            vocabulary: vocabulary,
            addedTokens: BertSpecialTokens.all.map { AddedToken(content: $0, id: vocabulary.id(of: $0)!) },
            normalizer: .bert(BertNormalizer(handleChineseChars: tokenizeChineseChars, stripAccents: stripAccents,
                                             lowercase: doLowerCase)),
            preTokenizer: .bert,
            model: .wordPiece(WordPieceTokenizer(idsByToken: vocabulary.idsByToken, unkId: specials.unk)),
            postProcessor: .bert(cls: specials.cls, sep: specials.sep))
    }

    /// RoBERTa's special tokens, in the order transformers registers them.
    static let robertaSpecialTokens = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]

    /// RoBERTa's byte-level BPE from `vocab.json` and `merges.txt`: GPT-2's byte-level pre-tokenizer (a prefix space
    /// when `addPrefixSpace`), BPE without an unknown token, `<s> A </s> </s> B </s>`, and the five special tokens
    /// matched in the raw text (transformers 5 registers `<mask>` without RoBERTa's old left strip unless a
    /// `tokenizer.json` says otherwise).
    public init(bytePairVocabulary vocabFile: URL, merges mergesFile: URL, addPrefixSpace: Bool = false) throws {
        let root = try JSONField.read(vocabFile, unreadableFix: "download the model's vocab.json again")
        let vocabulary = try TokenizerJSON.readVocabulary(root)
        var specials: [String: Int32] = [:]
        for token in Self.robertaSpecialTokens {
            guard let id = vocabulary.id(of: token) else {
                throw RuntimeError("\(vocabFile.path) has no \(VisibleText.quoted(token)), one of RoBERTa's special tokens ("
                    + Self.robertaSpecialTokens.joined(separator: ", ") + "); bermo reads vocab.json + merges.txt as RoBERTa's "
                    + "tokenizer. Use the model's tokenizer.json instead")
            }
            specials[token] = id
        }
        let model = try BPEModel(
            idsByToken: vocabulary.idsByToken, merges: try Self.readMergesFile(mergesFile), unkId: nil, fusesUnknown: false,
            continuingSubwordPrefix: "", endOfWordSuffix: "", ignoresMerges: false)
        self.init(
            vocabulary: vocabulary,
            addedTokens: Self.robertaSpecialTokens.map { AddedToken(content: $0, id: specials[$0]!) },
            normalizer: nil,
            preTokenizer: .byteLevel(ByteLevelPreTokenizer(addPrefixSpace: addPrefixSpace, useRegex: true)),
            model: .bpe(model),
            postProcessor: .roberta(cls: specials["<s>"]!, sep: specials["</s>"]!))
    }

    /// `merges.txt`: one merge a line, the two tokens separated by one space; lines starting with `#version` are
    /// skipped, as the tokenizers library skips them.
    static func readMergesFile(_ url: URL) throws -> [BPEModel.MergeRule] {
        let text = try TextFile(contentsOf: url.path, unreadableFix: "download the model's merges.txt again")
        var rules: [BPEModel.MergeRule] = []
        for index in 0..<text.lineCount {
            let line = text.line(index)
            if line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw RuntimeError("\(url.path):\(index + 1): \(VisibleText.quoted(line)) is not a merge (two tokens separated "
                    + "by one space); the file is damaged or was edited by hand, download it again")
            }
            rules.append(BPEModel.MergeRule(left: String(parts[0]), right: String(parts[1]), location: "\(url.path):\(index + 1)"))
        }
        return rules
    }
}
