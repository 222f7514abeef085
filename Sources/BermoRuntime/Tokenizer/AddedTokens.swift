/// A token matched in the text itself before the model sees it (`added_tokens` of `tokenizer.json`): the special
/// tokens (`[CLS]`, `<mask>`, …) and any a user added.
struct AddedToken: Sendable, Equatable {
    var content: String
    var id: Int32
    /// Matched only where it is not part of a longer word (no word character right before or after it).
    var singleWord = false
    /// Takes the whitespace before (`lstrip`) or after (`rstrip`) it along, so that whitespace becomes no word.
    var lstrip = false
    var rstrip = false
    /// Matched in the normalized text (its content normalized likewise) instead of the raw input.
    var normalized = false
}

/// Finds added tokens in a text the way the `tokenizers` library does (`AddedVocabulary::find_matches`): leftmost
/// first, longest first where several start at the same place, never overlapping; a `singleWord` token inside a
/// word is passed over (its text stays text, and the search goes on after it); `lstrip`/`rstrip` widen a match
/// over the whitespace around it (never back into an earlier match).
///
/// The tokenizer holds two: one for the tokens matched in the raw text (special tokens: case-sensitive, before
/// normalization, so "[MASK]" is the mask but "[mask]" is split into "[", "mask", "]"), and one for the tokens
/// matched in the normalized text between those.
struct AddedTokenMatcher: Sendable {
    /// The tokens to find, as scalars (normalized if they are matched in normalized text), longest first.
    private let tokens: [(scalars: [Unicode.Scalar], token: AddedToken)]
    /// First scalars of all tokens, to skip the comparison at almost every position.
    private let firstScalars: Set<Unicode.Scalar>

    /// `spelling` gives each token's scalars as they appear in the text searched.
    init(_ tokens: [AddedToken], spelling: (AddedToken) -> [Unicode.Scalar] = { Array($0.content.unicodeScalars) }) {
        var spelled = tokens.map { (scalars: spelling($0), token: $0) }.filter { !$0.scalars.isEmpty }
        spelled.sort { $0.scalars.count > $1.scalars.count }
        self.tokens = spelled
        firstScalars = Set(spelled.compactMap(\.scalars.first))
    }

    var isEmpty: Bool { tokens.isEmpty }

    /// A piece of the input: ordinary text to tokenize, or an added token's id.
    enum Piece {
        case text(Range<Int>)
        case token(Int32)
    }

    /// Calls `body` with the pieces of `text` in order. Text pieces are never empty, and text on both sides of a
    /// token stays in separate pieces, as in the reference (which normalizes and pre-tokenizes each on its own).
    func forEachPiece(of text: ArraySlice<Unicode.Scalar>, _ body: (Piece) -> Void) {
        if tokens.isEmpty {
            if !text.isEmpty { body(.text(text.indices)) }
            return
        }
        var textStart = text.startIndex
        var position = text.startIndex
        while position < text.endIndex {
            guard firstScalars.contains(text[position]), let (length, token) = match(in: text, at: position) else {
                position += 1
                continue
            }
            var start = position, stop = position + length
            position = stop
            if token.singleWord {
                let wordBefore = start > text.startIndex && RegexCharacterClass.isWord(text[start - 1])
                let wordAfter = stop < text.endIndex && RegexCharacterClass.isWord(text[stop])
                if wordBefore || wordAfter { continue }
            }
            if token.lstrip {
                while start > textStart, text[start - 1].properties.isWhitespace { start -= 1 }
            }
            if token.rstrip {
                while stop < text.endIndex, text[stop].properties.isWhitespace { stop += 1 }
                position = stop
            }
            if textStart < start { body(.text(textStart..<start)) }
            body(.token(token.id))
            textStart = stop
        }
        if textStart < text.endIndex { body(.text(textStart..<text.endIndex)) }
    }

    private func match(in text: ArraySlice<Unicode.Scalar>, at position: Int) -> (Int, AddedToken)? {
        for candidate in tokens where position + candidate.scalars.count <= text.endIndex {
            if text[position..<(position + candidate.scalars.count)].elementsEqual(candidate.scalars) {
                return (candidate.scalars.count, candidate.token)
            }
        }
        return nil
    }
}

/// `\w` of the Rust `regex` crate (Unicode's word characters: alphabetic, marks, decimal digits, connector
/// punctuation, join controls), which decides whether a `singleWord` token stands alone.
enum RegexCharacterClass {
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
