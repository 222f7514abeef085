import Foundation

/// A `tokenizer.json` normalizer: what happens to the text (between added tokens) before it is pre-tokenized.
/// Only the kinds the encoder families use are here; `TokenizerJSON` refuses the others by name.
indirect enum Normalizer: Sendable, Equatable {
    case bert(BertNormalizer)
    case lowercase
    /// The four Unicode normalization forms.
    case nfd, nfkd, nfc, nfkc
    /// Removes combining marks (general category M), usually after `nfd`.
    case stripAccents
    /// Removes leading and/or trailing whitespace.
    case strip(left: Bool, right: Bool)
    case sequence([Normalizer])

    /// Normalizes `text` in place; `scratch` is reused space.
    func normalize(_ text: inout [Unicode.Scalar], scratch: inout [Unicode.Scalar]) {
        switch self {
        case .bert(let bert): bert.normalize(&text, scratch: &scratch)
        case .lowercase: UnicodeForms.lowercase(&text, scratch: &scratch)
        case .nfd: UnicodeForms.apply(\.decomposedStringWithCanonicalMapping, to: &text)
        case .nfkd: UnicodeForms.apply(\.decomposedStringWithCompatibilityMapping, to: &text)
        case .nfc: UnicodeForms.apply(\.precomposedStringWithCanonicalMapping, to: &text)
        case .nfkc: UnicodeForms.apply(\.precomposedStringWithCompatibilityMapping, to: &text)
        case .stripAccents: text.removeAll(where: UnicodeForms.isCombiningMark)
        case .strip(let left, let right):
            if right, let last = text.lastIndex(where: { !$0.properties.isWhitespace }) {
                text.removeSubrange((last + 1)...)
            } else if right {
                text.removeAll(keepingCapacity: true)
            }
            if left, let first = text.firstIndex(where: { !$0.properties.isWhitespace }) {
                text.removeSubrange(..<first)
            } else if left {
                text.removeAll(keepingCapacity: true)
            }
        case .sequence(let normalizers):
            for normalizer in normalizers { normalizer.normalize(&text, scratch: &scratch) }
        }
    }
}

/// The Unicode transformations the normalizers share, on scalar arrays.
enum UnicodeForms {
    /// Lower-cases per scalar, like Rust's `char::to_lowercase`: 'İ' becomes "i̇" and a final capital sigma becomes
    /// 'σ', not 'ς' (no context).
    static func lowercase(_ text: inout [Unicode.Scalar], scratch: inout [Unicode.Scalar]) {
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(text.count)
        for scalar in text {
            let value = scalar.value
            if value < 0x80 {
                scratch.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            } else if scalar.properties.changesWhenLowercased {
                scratch.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                scratch.append(scalar)
            }
        }
        swap(&text, &scratch)
    }

    /// BERT's accent stripping: canonical decomposition (NFD) of the whole text, then removal of non-spacing
    /// marks (Mn, by the reference's Unicode 8.0 tables). NFD needs the canonical ordering of neighbouring marks,
    /// so it runs on the text rather than scalar by scalar.
    static func stripNonspacingMarks(_ text: inout [Unicode.Scalar], scratch: inout [Unicode.Scalar]) {
        scratch.removeAll(keepingCapacity: true)
        for scalar in string(text).decomposedStringWithCanonicalMapping.unicodeScalars
        where !BertCharacterClass.isNonspacingMark(scalar) {
            scratch.append(scalar)
        }
        swap(&text, &scratch)
    }

    /// A Unicode normalization form (one of Foundation's four mappings) of the whole text, as the reference's
    /// Unicode 9.0 tables give it: a scalar assigned later is unassigned there, so it stays as it is and, being a
    /// starter that composes with nothing, splits the text into parts normalized on their own.
    static func apply(_ form: KeyPath<String, String>, to text: inout [Unicode.Scalar]) {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.count)
        var start = 0
        for index in text.indices where !UnicodeVersion.normalization.knows(text[index]) {
            result.append(contentsOf: string(Array(text[start..<index]))[keyPath: form].unicodeScalars)
            result.append(text[index])
            start = index + 1
        }
        result.append(contentsOf: string(Array(text[start...]))[keyPath: form].unicodeScalars)
        text = result
    }

    /// What the `StripAccents` normalizer removes: a combining mark (general category Mn, Mc or Me) of the
    /// reference's Unicode 9.0 tables, where the Vedic signs U+1CF2 and U+1CF3 were still marks and U+111C9
    /// SHARADA SANDHI MARK was still punctuation.
    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x300: return false
        case 0x1CF2, 0x1CF3: return true
        case 0x111C9: return false
        default: break
        }
        guard UnicodeVersion.normalization.knows(scalar) else { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func string(_ scalars: [Unicode.Scalar]) -> String {
        var text = String()
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }
}
