import Foundation

/// The tokenizer of a BERT model: special tokens, basic tokenization and WordPiece, producing ids identical to
/// Hugging Face's `BertTokenizerFast` (checked against it by the parity fixture in the tests).
///
/// It is immutable and `Sendable`, so one instance can tokenize from many threads; the per-call scratch buffers
/// live on the stack of each call.
public final class BertTokenizer: Sendable {
    public let vocabulary: Vocabulary
    let basic: BasicTokenizer
    let wordPiece: WordPieceTokenizer
    let specialTokens: SpecialTokenSplitter

    /// `stripAccents == nil` strips accents exactly when lower-casing, as Hugging Face does.
    public init(
        vocabularyFile: URL, doLowerCase: Bool = true, tokenizeChineseChars: Bool = true, stripAccents: Bool? = nil
    ) throws {
        vocabulary = try Vocabulary(contentsOf: vocabularyFile)
        basic = BasicTokenizer(
            doLowerCase: doLowerCase, tokenizeChineseChars: tokenizeChineseChars, stripAccents: stripAccents)
        wordPiece = WordPieceTokenizer(vocabulary: vocabulary)
        specialTokens = SpecialTokenSplitter(vocabulary: vocabulary)
    }

    /// Loads a Hugging Face model directory: `vocab.txt` plus the optional `tokenizer_config.json`
    /// (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`).
    public convenience init(modelDirectory: URL) throws {
        let configuration = try TokenizerConfiguration(
            contentsOf: modelDirectory.appendingPathComponent("tokenizer_config.json"))
        try self.init(
            vocabularyFile: modelDirectory.appendingPathComponent("vocab.txt"),
            doLowerCase: configuration.doLowerCase,
            tokenizeChineseChars: configuration.tokenizeChineseChars,
            stripAccents: configuration.stripAccents)
    }

    /// The WordPiece tokens of `text`, without `[CLS]`/`[SEP]` (the equivalent of `tokenizer.tokenize(text)`).
    public func tokenize(_ text: String) -> [String] {
        ids(of: text).map { vocabulary.tokens[Int($0)] }
    }

    /// Ids of `tokens`; tokens outside the vocabulary map to `[UNK]`.
    public func convertTokensToIds(_ tokens: [String]) -> [Int32] {
        tokens.map { vocabulary.id(of: $0) ?? vocabulary.unkId }
    }

    /// The spellings of `ids` (out-of-range ids become `[UNK]`).
    public func convertIdsToTokens(_ ids: [Int32]) -> [String] {
        ids.map { vocabulary.token(of: $0) ?? Vocabulary.unkToken }
    }

    /// The model inputs for `text` (and `pair`), truncated with `longest_first` so that the result, special tokens
    /// included, has at most `maxLength` ids; `nil` disables truncation. No padding: see `Encoding.padded`.
    ///
    /// Two reference behaviours are kept on purpose: an empty `pair` string is treated as no pair (Python drops
    /// falsy pairs), and a `maxLength` too small to hold the special tokens disables truncation instead of failing.
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = 512) -> Encoding {
        var first = ids(of: text)
        var second = pair.flatMap { $0.isEmpty ? nil : ids(of: $0) }
        let specialCount = second == nil ? 2 : 3
        if let maxLength, maxLength >= specialCount {
            let kept = LongestFirstTruncation.keptLengths(
                first: first.count, second: second?.count, budget: maxLength - specialCount)
            first.removeLast(first.count - kept.first)
            if second != nil { second!.removeLast(second!.count - kept.second) }
        }
        var inputIds: [Int32] = []
        inputIds.reserveCapacity(first.count + (second?.count ?? 0) + specialCount)
        inputIds.append(vocabulary.clsId)
        inputIds += first
        inputIds.append(vocabulary.sepId)
        var tokenTypeIds = [Int32](repeating: 0, count: inputIds.count)
        if let second {
            inputIds += second
            inputIds.append(vocabulary.sepId)
            tokenTypeIds += repeatElement(1, count: second.count + 1)
        }
        return Encoding(
            inputIds: inputIds, tokenTypeIds: tokenTypeIds,
            attentionMask: [Int32](repeating: 1, count: inputIds.count))
    }

    /// The WordPiece ids of `text` without special tokens around it.
    public func ids(of text: String) -> [Int32] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int32] = []
        ids.reserveCapacity(scalars.count / 3 + 4)
        var words = WordList()
        var buffer: [Unicode.Scalar] = []
        var scratch = WordPieceTokenizer.Scratch()
        specialTokens.forEachPiece(of: scalars) { piece in
            switch piece {
            case .special(let id):
                ids.append(id)
            case .text(let range):
                words.removeAll()
                basic.split(scalars[range], into: &words, buffer: &buffer)
                for word in 0..<words.count {
                    wordPiece.appendIds(of: words.scalars[words.range(of: word)], to: &ids, scratch: &scratch)
                }
            }
        }
        return ids
    }
}
