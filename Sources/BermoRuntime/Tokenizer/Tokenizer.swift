import Foundation

/// A Hugging Face tokenizer, run the way the `tokenizers` library runs one (and so `AutoTokenizer` with
/// `use_fast=True`): added tokens are found in the raw text, the text between them is normalized, added tokens
/// that match normalized text are found in it, the rest is pre-tokenized into words, the model turns each word into
/// ids, then truncation (`longest_first`) and the post-processor's special tokens and token types.
///
/// One pipeline serves every file layout (`TokenizerLayout`): `tokenizer.json` describes its components, and the
/// older `vocab.txt` and `vocab.json` + `merges.txt` layouts are turned into the components transformers builds
/// from them. Ids are checked against the reference by the parity fixtures in the tests.
///
/// It is immutable and `Sendable`, so one value can tokenize from many threads; the per-call scratch buffers live
/// on the stack of each call.
public struct Tokenizer: Sendable {
    /// Every id the tokenizer can produce, with its spelling.
    public let vocabulary: Vocabulary
    /// Added tokens matched in the raw text, and those matched in the normalized text.
    let rawAddedTokens: AddedTokenMatcher
    let normalizedAddedTokens: AddedTokenMatcher
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: TokenizerModel
    let postProcessor: PostProcessor?

    init(vocabulary: Vocabulary, addedTokens: [AddedToken], normalizer: Normalizer?, preTokenizer: PreTokenizer?,
         model: TokenizerModel, postProcessor: PostProcessor?) {
        self.vocabulary = vocabulary
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.model = model
        self.postProcessor = postProcessor
        rawAddedTokens = AddedTokenMatcher(addedTokens.filter { !$0.normalized })
        normalizedAddedTokens = AddedTokenMatcher(addedTokens.filter(\.normalized)) { token in
            var scalars = Array(token.content.unicodeScalars), scratch: [Unicode.Scalar] = []
            normalizer?.normalize(&scalars, scratch: &scratch)
            return scalars
        }
    }

    /// Loads the tokenizer of a Hugging Face model directory (see `TokenizerLayout` for which files count).
    public init(modelDirectory: URL) throws {
        self = try TokenizerLayout(directory: modelDirectory).load()
    }

    /// Refuses a tokenizer that can produce an id the model's word-embedding table has no row for.
    public func checkFits(embeddingRows rows: Int) throws { try vocabulary.checkFits(embeddingRows: rows) }

    /// The tokens of `text`, without special tokens around it (the equivalent of `tokenizer.tokenize(text)`).
    public func tokenize(_ text: String) -> [String] {
        ids(of: text).map { vocabulary.tokens[Int($0)] }
    }

    /// The model inputs for `text` (and `pair`), truncated with `longest_first` so that the result, special tokens
    /// included, has at most `maxLength` ids; `nil` disables truncation. No padding: see `Encoding.padded`.
    ///
    /// Two reference behaviours are kept on purpose: an empty `pair` string is treated as no pair (transformers drops
    /// falsy pairs), and a `maxLength` too small to hold the special tokens disables truncation instead of failing.
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = 512) -> Encoding {
        var first = ids(of: text)
        var second = pair.flatMap { $0.isEmpty ? nil : ids(of: $0) }
        let specialCount = postProcessor?.addedCount(pair: second != nil) ?? 0
        if let maxLength, maxLength >= specialCount {
            let kept = LongestFirstTruncation.keptLengths(
                first: first.count, second: second?.count, budget: maxLength - specialCount)
            first.removeLast(first.count - kept.first)
            if second != nil { second!.removeLast(second!.count - kept.second) }
        }
        return PostProcessor.process(postProcessor, first: first, second: second)
    }

    /// Space one call reuses for every piece and word.
    private struct Scratch {
        var text: [Unicode.Scalar] = []
        var spare: [Unicode.Scalar] = []
        var words = WordList()
        var model = TokenizerModel.Scratch()
    }

    /// The ids of `text` without special tokens around it.
    public func ids(of text: String) -> [Int32] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int32] = []
        ids.reserveCapacity(scalars.count / 3 + 4)
        var scratch = Scratch()
        rawAddedTokens.forEachPiece(of: scalars[...]) { piece in
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let range):
                scratch.text.removeAll(keepingCapacity: true)
                scratch.text.append(contentsOf: scalars[range])
                normalizer?.normalize(&scratch.text, scratch: &scratch.spare)
                let normalized = scratch.text
                normalizedAddedTokens.forEachPiece(of: normalized[...]) { inner in
                    switch inner {
                    case .token(let id):
                        ids.append(id)
                    case .text(let range):
                        scratch.words.removeAll()
                        PreTokenizer.split(preTokenizer, normalized[range], into: &scratch.words)
                        for word in 0..<scratch.words.count {
                            model.appendIds(of: scratch.words.scalars[scratch.words.range(of: word)], to: &ids,
                                            scratch: &scratch.model)
                        }
                    }
                }
            }
        }
        return ids
    }

    /// The words the normalizer and pre-tokenizer make of `text`, ignoring added tokens (as
    /// `pre_tokenize_str(normalize_str(text))` in Python): what the Unicode tests compare with the reference.
    static func words(of text: String, normalizer: Normalizer?, preTokenizer: PreTokenizer?) -> [String] {
        var scalars = Array(text.unicodeScalars), spare: [Unicode.Scalar] = []
        normalizer?.normalize(&scalars, scratch: &spare)
        var words = WordList()
        PreTokenizer.split(preTokenizer, scalars[...], into: &words)
        return (0..<words.count).map { words.string(of: $0) }
    }
}

/// A `tokenizer.json` pre-tokenizer: how normalized text is cut into the words the model sees.
enum PreTokenizer: Sendable, Equatable {
    case bert
    case byteLevel(ByteLevelPreTokenizer)

    /// Appends the words of `text` to `words`; without a pre-tokenizer the whole text is one word.
    static func split(_ preTokenizer: PreTokenizer?, _ text: ArraySlice<Unicode.Scalar>, into words: inout WordList) {
        switch preTokenizer {
        case .bert: BertPreTokenizer.split(text, into: &words)
        case .byteLevel(let byteLevel): byteLevel.split(text, into: &words)
        case nil:
            words.scalars.append(contentsOf: text)
            words.closeWord()
        }
    }
}

/// A `tokenizer.json` model: how one word becomes ids.
enum TokenizerModel: Sendable {
    case wordPiece(WordPieceTokenizer)
    case bpe(BPEModel)

    struct Scratch {
        var wordPiece = WordPieceTokenizer.Scratch()
        var bpe = BPEModel.Scratch()
    }

    func appendIds(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32], scratch: inout Scratch) {
        switch self {
        case .wordPiece(let wordPiece): wordPiece.appendIds(of: word, to: &ids, scratch: &scratch.wordPiece)
        case .bpe(let bpe): bpe.appendIds(of: word, to: &ids, scratch: &scratch.bpe)
        }
    }
}
