import Foundation

/// Every token a tokenizer can produce, by id: the spellings (`tokens[id]`) and the lookup the models use.
///
/// Read from a Hugging Face `vocab.txt` (one token per line, the id is the zero-based line index), or built from
/// the token-to-id tables of `tokenizer.json` and `vocab.json` (see `TokenizerJSON`, `BytePairFiles`).
///
/// The `vocab.txt` rules copy `transformers.models.bert.tokenization_bert.load_vocab` so that ids agree with the
/// reference bit for bit: lines are split the way Python's text mode does (`\n`, `\r\n` and a lone `\r` all end
/// a line), nothing but the line break is stripped (a token may carry spaces), an empty line is a real (empty)
/// token, and a token that appears on several lines maps to its *last* line, because the reference builds a
/// Python dict and later assignments win. The id-to-token table keeps every line, so every id has a spelling.
public struct Vocabulary: Sendable {
    /// The spelling of every id (`tokens[id]`); duplicated lines keep their own spelling here.
    public let tokens: [String]
    /// Token -> id, built once; later duplicate lines win, as in the reference.
    let idsByToken: [String: Int32]
    /// Where the tokens came from (the file's path), for messages.
    public let source: String
    /// How messages count entries: the lines of a vocab.txt, or the ids of a JSON table.
    let entries: Entries

    enum Entries: Sendable { case lines, ids }

    /// Reads `vocab.txt` through `TextFile` (Python's universal newlines, as `load_vocab` reads it; invalid UTF-8
    /// and NUL bytes located). Throws naming the file when it is missing, not UTF-8, or starts with a byte-order
    /// mark. Which special tokens it must hold is the tokenizer's business (`BertSpecialTokens`).
    public init(contentsOf file: URL) throws {
        let text = try TextFile(contentsOf: file.path, unreadableFix: "point the tokenizer at the model directory that contains "
            + "vocab.txt (download the model again if the file is missing)")
        // transformers reads the file as plain "utf-8", which keeps a byte-order mark as part of the first token: the
        // two would disagree on token 0 (usually [PAD]) without a word, so the file is refused instead.
        if text.startsWithByteOrderMark {
            throw RuntimeError("\(file.path): the file starts with a UTF-8 byte-order mark, which transformers keeps as part of "
                + "the first token (\(VisibleText.quoted("\u{FEFF}" + (text.lineCount > 0 ? text.line(0) : "")))); remove the first "
                + "three bytes, or use the vocab.txt shipped with the model")
        }
        try self.init(tokens: text.lines, source: file.path)
    }

    /// Builds a vocabulary from tokens in id order (a token on several lines maps to the last); `source` names
    /// where they came from in error messages, `entries` how they are counted there.
    init(tokens: [String], source: String = "the in-memory vocabulary", entries: Entries = .lines) throws {
        guard tokens.count <= Int(Int32.max) else {
            throw RuntimeError("The vocabulary \(source) has \(tokens.count) tokens, more than Int32 ids can address. "
                + "Use the tokenizer files shipped with the model.")
        }
        var ids = [String: Int32](minimumCapacity: tokens.count)
        for (index, token) in tokens.enumerated() { ids[token] = Int32(index) }
        self.tokens = tokens
        self.idsByToken = ids
        self.source = source
        self.entries = entries
    }

    /// Refuses a vocabulary whose ids do not all index a row of a word-embedding table of `rows` rows. Every id
    /// this vocabulary gives is an index into `tokens`, so it fits exactly when it has at most `rows` entries; a
    /// longer one would make encoding read past the end of the table.
    public func checkFits(embeddingRows rows: Int) throws {
        guard count > rows else { return }
        let extra = "'\(tokens[rows])') and the \(count - rows - 1) after it would have ids past the end of the table"
        switch entries {
        case .lines:
            throw RuntimeError("\(source) has \(count) lines, but the model's word-embedding table has \(rows) rows "
                + "(vocab_size in config.json): line \(rows + 1) (\(extra); use the vocab.txt that came with this "
                + "model.safetensors")
        case .ids:
            throw RuntimeError("\(source) has \(count) tokens (ids 0 to \(count - 1)), but the model's word-embedding "
                + "table has \(rows) rows (vocab_size in config.json): id \(rows) (\(extra); use the tokenizer files "
                + "that came with this model.safetensors")
        }
    }

    /// Number of ids, which is what the model's embedding table must have at least.
    public var count: Int { tokens.count }

    /// The id of `token`, or nil when the vocabulary does not contain it.
    public func id(of token: String) -> Int32? { idsByToken[token] }

    /// The spelling of `id`, or nil when it is out of range.
    public func token(of id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }
}

/// The five special tokens every BERT `vocab.txt` holds, with their ids.
///
/// Each must be on exactly one line. The reference lets the last of several lines win, which silently gives
/// `[CLS]` an id a longer-than-the-model vocabulary invents; a special token twice is a hand-edited or concatenated
/// file, so it is refused with both lines named.
struct BertSpecialTokens: Sendable {
    let cls: Int32
    let sep: Int32
    let pad: Int32
    let unk: Int32
    let mask: Int32

    /// Spellings of the special tokens, fixed by the BERT vocabularies this runtime reads.
    static let clsToken = "[CLS]"
    static let sepToken = "[SEP]"
    static let padToken = "[PAD]"
    static let unkToken = "[UNK]"
    static let maskToken = "[MASK]"
    /// In the order transformers' `Tokenizer` registers them as added tokens.
    static let all = [padToken, unkToken, clsToken, sepToken, maskToken]

    init(in vocabulary: Vocabulary) throws {
        var lines: [String: [Int]] = [:]
        for (index, token) in vocabulary.tokens.enumerated() where token.hasPrefix("[") && Self.all.contains(token) {
            lines[token, default: []].append(index + 1)
        }
        func special(_ name: String) throws -> Int32 {
            let found = lines[name] ?? []
            guard let first = found.first else {
                throw RuntimeError("\(vocabulary.source): there is no \(name) line, but a BERT vocab.txt must contain each of "
                    + [Self.clsToken, Self.sepToken, Self.padToken, Self.unkToken, Self.maskToken].joined(separator: ", ")
                    + "; use the vocab.txt shipped with the model rather than a hand-made one")
            }
            guard found.count == 1 else {
                let listed = found.dropLast().map(String.init).joined(separator: ", ") + " and \(found[found.count - 1])"
                throw RuntimeError("\(vocabulary.source): \(name) is on lines \(listed), but a BERT vocab.txt has each special "
                    + "token once (its line number is its id in the model); remove the extra line(s), or use the vocab.txt "
                    + "shipped with the model")
            }
            return Int32(first - 1)
        }
        cls = try special(Self.clsToken)
        sep = try special(Self.sepToken)
        pad = try special(Self.padToken)
        unk = try special(Self.unkToken)
        mask = try special(Self.maskToken)
    }
}
