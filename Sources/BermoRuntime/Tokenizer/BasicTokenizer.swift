import Foundation

/// BERT's "basic" tokenization: clean the text, put spaces around CJK ideographs, optionally strip accents and
/// lower-case, then split on whitespace and split off every punctuation scalar.
///
/// The reference is `BertTokenizerFast` (the Rust `BertNormalizer` followed by `BertPreTokenizer`), so the steps run
/// in its order: clean, CJK spacing, NFD + removal of Mn (accent stripping), lower-casing, then splitting. (The
/// Python `BasicTokenizer` lower-cases before stripping accents and lower-cases a final capital sigma to 'ς'; the
/// Rust order and per-scalar lower-casing are what the models' ids come from.) The exhaustive Unicode test checks
/// every scalar against the reference.
///
/// Everything works on Unicode scalars, not `Character`s: a grapheme cluster would glue a combining mark to its base
/// letter, while the reference sees (and strips) the mark on its own, and lengths must be counted as Python's
/// `len(str)` counts them.
struct BasicTokenizer: Sendable {
    let lowercases: Bool
    let stripsAccents: Bool
    let splitsChineseCharacters: Bool

    /// `stripAccents == nil` means "strip when lower-casing", the Hugging Face default for uncased models.
    init(doLowerCase: Bool = true, tokenizeChineseChars: Bool = true, stripAccents: Bool? = nil) {
        lowercases = doLowerCase
        stripsAccents = stripAccents ?? doLowerCase
        splitsChineseCharacters = tokenizeChineseChars
    }

    /// Appends the words of `text` to `words`; `buffer` is scratch space reused across calls.
    func split(_ text: ArraySlice<Unicode.Scalar>, into words: inout WordList, buffer: inout [Unicode.Scalar]) {
        buffer.removeAll(keepingCapacity: true)
        let isASCII = clean(text, into: &buffer)
        if stripsAccents && !isASCII { stripAccents(&buffer) }
        splitWords(buffer, into: &words)
    }

    /// Convenience for callers that want the words as strings (tests, debugging); the tokenizer uses `split`.
    func tokenize(_ text: String) -> [String] {
        var words = WordList()
        var buffer: [Unicode.Scalar] = []
        split(ArraySlice(text.unicodeScalars), into: &words, buffer: &buffer)
        return (0..<words.count).map { words.string(of: $0) }
    }

    /// Removes NUL, U+FFFD and control/format/private-use scalars, maps whitespace to a space and surrounds CJK
    /// ideographs with spaces. Returns whether the result is pure ASCII, in which case accent stripping is a no-op.
    private func clean(_ text: ArraySlice<Unicode.Scalar>, into buffer: inout [Unicode.Scalar]) -> Bool {
        buffer.reserveCapacity(text.count + 16)
        var isASCII = true
        for scalar in text {
            let value = scalar.value
            if value < 0x80 {
                if value >= 0x20 && value != 0x7F {
                    buffer.append(scalar)
                } else if value == 0x09 || value == 0x0A || value == 0x0D {
                    buffer.append(" ")
                }
                continue
            }
            if value == 0xFFFD || BertCharacterClass.isControl(scalar) { continue }
            if BertCharacterClass.isWhitespace(scalar) {
                buffer.append(" ")
            } else if splitsChineseCharacters && BertCharacterClass.isChineseCharacter(scalar) {
                buffer.append(" ")
                buffer.append(scalar)
                buffer.append(" ")
                isASCII = false
            } else {
                buffer.append(scalar)
                isASCII = false
            }
        }
        return isASCII
    }

    /// Canonical decomposition (NFD) of the whole cleaned text, then removal of non-spacing marks. NFD needs the
    /// canonical ordering of neighbouring marks, so it runs on the text rather than scalar by scalar.
    private func stripAccents(_ buffer: inout [Unicode.Scalar]) {
        var composed = String()
        composed.unicodeScalars.append(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
        for scalar in composed.decomposedStringWithCanonicalMapping.unicodeScalars
        where !BertCharacterClass.isNonspacingMark(scalar) {
            buffer.append(scalar)
        }
    }

    /// Lower-cases (per scalar, like Rust's `char::to_lowercase`: 'İ' becomes "i̇" and a final capital sigma
    /// becomes 'σ', not 'ς'), splits on whitespace and makes each punctuation scalar a word of its own.
    private func splitWords(_ buffer: [Unicode.Scalar], into words: inout WordList) {
        words.scalars.reserveCapacity(words.scalars.count + buffer.count)
        for scalar in buffer {
            let value = scalar.value
            if value < 0x80 {
                if value == 0x20 { words.closeWord(); continue }
                let isUpper = value >= 0x41 && value <= 0x5A
                append(lowercases && isUpper ? Unicode.Scalar(UInt8(value + 0x20)) : scalar, to: &words)
                continue
            }
            if BertCharacterClass.isWhitespace(scalar) { words.closeWord(); continue }
            if lowercases && scalar.properties.changesWhenLowercased {
                for lowered in scalar.properties.lowercaseMapping.unicodeScalars { append(lowered, to: &words) }
            } else {
                append(scalar, to: &words)
            }
        }
        words.closeWord()
    }

    @inline(__always)
    private func append(_ scalar: Unicode.Scalar, to words: inout WordList) {
        if BertCharacterClass.isPunctuation(scalar) {
            words.closeWord()
            words.scalars.append(scalar)
            words.closeWord()
        } else {
            words.scalars.append(scalar)
        }
    }
}
