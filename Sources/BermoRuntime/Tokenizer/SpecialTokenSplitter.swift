/// Finds special tokens written literally in the input ("[SEP]", "[MASK]", ...) before any normalization.
///
/// The reference registers the special tokens as "added tokens" that match the raw text (case-sensitively,
/// un-normalized) and become their own ids; only the text between them goes through the BERT normalizer. So
/// "a [MASK] b" contains the mask id while "[mask]" is split into "[", "mask", "]". Matching is leftmost, and
/// longest first where two tokens start at the same place.
struct SpecialTokenSplitter: Sendable {
    /// The special tokens, longest first, with their ids.
    private let tokens: [(scalars: [Unicode.Scalar], id: Int32)]
    /// First scalars of all tokens, to skip the comparison at almost every position.
    private let firstScalars: Set<Unicode.Scalar>

    init(vocabulary: Vocabulary) {
        var tokens: [(scalars: [Unicode.Scalar], id: Int32)] = []
        for name in Vocabulary.specialTokens {
            if let id = vocabulary.id(of: name) { tokens.append((Array(name.unicodeScalars), id)) }
        }
        tokens.sort { $0.scalars.count > $1.scalars.count }
        self.tokens = tokens
        firstScalars = Set(tokens.compactMap(\.scalars.first))
    }

    /// A piece of the input: ordinary text to tokenize, or a special token id.
    enum Piece {
        case text(Range<Int>)
        case special(Int32)
    }

    /// Calls `body` with the pieces of `text` in order. Text pieces are never empty, and text on both sides of a
    /// special token stays in separate pieces, as in the reference (which normalizes each piece on its own).
    func forEachPiece(of text: [Unicode.Scalar], _ body: (Piece) -> Void) {
        var textStart = 0
        var position = 0
        while position < text.count {
            if firstScalars.contains(text[position]), let (length, id) = match(in: text, at: position) {
                if textStart < position { body(.text(textStart..<position)) }
                body(.special(id))
                position += length
                textStart = position
            } else {
                position += 1
            }
        }
        if textStart < text.count { body(.text(textStart..<text.count)) }
    }

    private func match(in text: [Unicode.Scalar], at position: Int) -> (Int, Int32)? {
        for token in tokens where position + token.scalars.count <= text.count {
            if text[position..<(position + token.scalars.count)].elementsEqual(token.scalars) {
                return (token.scalars.count, token.id)
            }
        }
        return nil
    }
}
