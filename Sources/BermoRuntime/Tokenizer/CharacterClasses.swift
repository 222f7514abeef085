/// The character classes of the BERT normalizer and pre-tokenizer, defined the way the reference
/// (`BertTokenizerFast`, i.e. the Rust `tokenizers` crate's `BertNormalizer` and `BertPreTokenizer`) defines them.
///
/// They mirror Hugging Face's `_is_control`, `_is_whitespace`, `_is_punctuation` and `_is_chinese_char`; where the
/// Rust crate differs from the Python helpers, the Rust crate wins because it produces the ids the models were
/// evaluated with. Everything works on Unicode scalar values, with an ASCII fast path because almost all English
/// text never leaves it.
///
/// The surprising part is the Unicode version. Control, punctuation and mark tests in the reference come from the
/// `unicode_categories` crate, whose tables are Unicode 8.0, while lower-casing and `White_Space` come from Rust's
/// standard library (current Unicode). So a punctuation mark, format control or combining mark added after 8.0
/// (U+2E43 DASH WITH LEFT UPTURN, U+08D4 ARABIC SMALL HIGH WORD AR-RUB, the Egyptian format controls U+13430...)
/// is an ordinary letter to the reference: it is neither split off, removed nor stripped. `referenceCategory`
/// reproduces that; an exhaustive comparison over every scalar (the Unicode test in `TokenizerTests`) keeps it
/// honest when Swift's Unicode tables move.
enum BertCharacterClass {
    /// The general category the reference's Unicode 8.0 tables give `scalar` (only meaningful beyond ASCII).
    @inline(never)
    static func referenceCategory(_ scalar: Unicode.Scalar) -> Unicode.GeneralCategory {
        switch scalar.value {
        // Assigned before 8.0 but recategorised since: the reference still uses the 8.0 category.
        case 0x1734, 0x1171E: return .nonspacingMark  // now spacing marks (Mc)
        case 0x1885, 0x1886: return .otherLetter  // MONGOLIAN ALI GALI BALUDA letters, now Mn
        case 0xA9BD: return .spacingMark  // JAVANESE CONSONANT SIGN KERET, now Mn
        case 0x166D: return .otherPunctuation  // CANADIAN SYLLABICS CHI SIGN, now a symbol (So)
        case 0x111C9: return .otherPunctuation  // SHARADA SANDHI MARK, now a non-spacing mark (Mn)
        default: break
        }
        return UnicodeVersion.bertCategories.knows(scalar) ? scalar.properties.generalCategory : .unassigned
    }

    /// Removed by text cleaning: general category Cc, Cf, Co or Cs ("other" minus unassigned, in Unicode 8.0),
    /// except tab, newline and carriage return, which count as whitespace instead.
    @inline(__always)
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0x7F }
        switch referenceCategory(scalar) {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Turned into a plain space by text cleaning: tab, newline, carriage return and the Unicode `White_Space`
    /// property (Rust's `char::is_whitespace`). Python's helper uses category Zs instead; the difference (U+2028,
    /// U+2029) does not change the words because both end up splitting there. Controls are removed before this
    /// test applies, so `\u{0B}`, `\u{0C}` and U+0085 disappear instead of separating words.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return scalar.properties.isWhitespace
    }

    /// Split off as a word of its own: the ASCII ranges 33–47, 58–64, 91–96 and 123–126 (which include symbols
    /// such as `$`, `+`, `<`, `^`, `|`, `~` and the backtick) and every scalar in a "P*" general category (of
    /// Unicode 8.0).
    @inline(__always)
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 33 && value <= 47) || (value >= 58 && value <= 64)
                || (value >= 91 && value <= 96) || (value >= 123 && value <= 126)
        }
        switch referenceCategory(scalar) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// CJK ideographs, which get spaces around them so that each becomes its own word. These are the ranges of
    /// the Rust crate; note that its fourth range starts at U+2B920 where the Python helper says U+2B820.
    @inline(__always)
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x3400 { return false }
        return (value >= 0x4E00 && value <= 0x9FFF)
            || (value >= 0x3400 && value <= 0x4DBF)
            || (value >= 0x20000 && value <= 0x2A6DF)
            || (value >= 0x2A700 && value <= 0x2B73F)
            || (value >= 0x2B740 && value <= 0x2B81F)
            || (value >= 0x2B920 && value <= 0x2CEAF)
            || (value >= 0xF900 && value <= 0xFAFF)
            || (value >= 0x2F800 && value <= 0x2FA1F)
    }

    /// Removed by accent stripping (after NFD): general category Mn (of Unicode 8.0).
    @inline(__always)
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x300 { return false }
        return referenceCategory(scalar) == .nonspacingMark
    }
}
