import Foundation

/// BERT's normalizer (the `tokenizers` `BertNormalizer`): clean the text, put spaces around CJK ideographs, strip
/// accents, lower-case. With `BertPreTokenizer` after it, this is what the Python `BasicTokenizer` does.
///
/// The steps run in the Rust order, which is what the models' ids come from: clean, CJK spacing, NFD + removal of
/// Mn (accent stripping), lower-casing per scalar (the Python `BasicTokenizer` lower-cases before stripping accents
/// and lower-cases a final capital sigma to 'ς'). The exhaustive Unicode test checks every scalar against the
/// reference.
///
/// Everything works on Unicode scalars, not `Character`s: a grapheme cluster would glue a combining mark to its base
/// letter, while the reference sees (and strips) the mark on its own, and lengths must be counted as Python's
/// `len(str)` counts them.
struct BertNormalizer: Sendable, Equatable {
    /// Remove NUL, U+FFFD and control/format/private-use scalars; turn whitespace into a plain space.
    var cleanText = true
    var handleChineseChars = true
    /// `nil` means "strip when lower-casing", the Hugging Face default for uncased models.
    var stripAccents: Bool? = nil
    var lowercase = true

    var stripsAccents: Bool { stripAccents ?? lowercase }

    /// Normalizes `text` in place; `scratch` is reused space.
    func normalize(_ text: inout [Unicode.Scalar], scratch: inout [Unicode.Scalar]) {
        let isASCII = cleanAndSpace(text, into: &scratch)
        swap(&text, &scratch)
        // ASCII letters were lower-cased in the first pass already (NFD and accent stripping never touch them).
        if isASCII { return }
        if stripsAccents { UnicodeForms.stripNonspacingMarks(&text, scratch: &scratch) }
        if lowercase { UnicodeForms.lowercase(&text, scratch: &scratch) }
    }

    /// The first pass: cleaning, CJK spacing and ASCII lower-casing into `output`. Returns whether the result is
    /// pure ASCII, in which case accent stripping and the remaining lower-casing are no-ops.
    private func cleanAndSpace(_ text: [Unicode.Scalar], into output: inout [Unicode.Scalar]) -> Bool {
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(text.count + 16)
        var isASCII = true
        for scalar in text {
            let value = scalar.value
            if value < 0x80 {
                if cleanText && (value < 0x20 || value == 0x7F) {
                    if value == 0x09 || value == 0x0A || value == 0x0D { output.append(" ") }
                    continue
                }
                let isUpper = value >= 0x41 && value <= 0x5A
                output.append(lowercase && isUpper ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
                continue
            }
            if cleanText {
                if value == 0xFFFD || BertCharacterClass.isControl(scalar) { continue }
                if BertCharacterClass.isWhitespace(scalar) {
                    output.append(" ")
                    continue
                }
            }
            isASCII = false
            if handleChineseChars && BertCharacterClass.isChineseCharacter(scalar) {
                output.append(" ")
                output.append(scalar)
                output.append(" ")
            } else {
                output.append(scalar)
            }
        }
        return isASCII
    }
}

/// BERT's pre-tokenizer (the `tokenizers` `BertPreTokenizer`): split on whitespace and make each punctuation
/// scalar a word of its own.
enum BertPreTokenizer {
    static func split(_ text: ArraySlice<Unicode.Scalar>, into words: inout WordList) {
        words.scalars.reserveCapacity(words.scalars.count + text.count)
        for scalar in text {
            if BertCharacterClass.isWhitespace(scalar) {
                words.closeWord()
            } else if BertCharacterClass.isPunctuation(scalar) {
                words.closeWord()
                words.scalars.append(scalar)
                words.closeWord()
            } else {
                words.scalars.append(scalar)
            }
        }
        words.closeWord()
    }
}
