/// GPT-2's byte-level pre-tokenization (the `tokenizers` `ByteLevel` pre-tokenizer), which RoBERTa's BPE reads:
/// the text is cut with GPT-2's regex, then every UTF-8 byte of each piece becomes one printable character, so a
/// vocabulary that holds the 256 byte characters covers any text without an unknown token.
struct ByteLevelPreTokenizer: Sendable, Equatable {
    /// Put a space before a text that does not start with one, so its first word is spelled like any other
    /// ("Ġhello" rather than "hello").
    var addPrefixSpace: Bool
    /// Cut with GPT-2's regex; without it, each piece between added tokens is one word.
    var useRegex: Bool

    /// Appends the words of `text` (one piece between added tokens), spelled in byte characters, to `words`.
    func split(_ text: ArraySlice<Unicode.Scalar>, into words: inout WordList) {
        guard let first = text.first else { return }
        let prefixed = addPrefixSpace && first != " "
        func emit(_ piece: ArraySlice<Unicode.Scalar>, prefixed: Bool) {
            if prefixed { words.scalars.append(ByteLevelAlphabet.characters[0x20]) }
            for scalar in piece {
                UTF8.encode(scalar) { words.scalars.append(ByteLevelAlphabet.characters[Int($0)]) }
            }
            words.closeWord()
        }
        guard useRegex else {
            emit(text, prefixed: prefixed)
            return
        }
        if prefixed {
            // The prepended space belongs to the first piece exactly as a real space would.
            var spaced: [Unicode.Scalar] = [" "]
            spaced.append(contentsOf: text)
            GPT2Pattern.forEachPiece(of: spaced[...]) { emit(spaced[$0], prefixed: false) }
        } else {
            GPT2Pattern.forEachPiece(of: text) { emit(text[$0], prefixed: false) }
        }
    }
}

/// GPT-2's table from bytes to printable characters: the printable Latin-1 bytes stand for themselves, the other
/// 68 (controls, space, DEL, NBSP, soft hyphen) for U+0100 onwards in byte order; so a space is 'Ġ' (U+0120).
enum ByteLevelAlphabet {
    static let characters: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 0x100
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()
}

/// GPT-2's pre-tokenization pattern, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
/// matched by hand (no regex engine). The alternatives are tried in order at each position, as the reference's
/// backtracking engine (Oniguruma) does:
/// - an apostrophe followed by s, t, re, ve, m, ll or d (case-sensitive) is a piece;
/// - otherwise a run of letters, of numbers, or of other characters (neither whitespace, letter nor number),
///   with one plain space (U+0020) in front when there is one;
/// - a run of whitespace is a piece, except that when more than one whitespace character is followed by a
///   non-whitespace one, the last stays behind (`\s+(?!\S)` backs off by one), to join the next word if it is a
///   plain space, or to be a piece of its own otherwise.
enum GPT2Pattern {
    static func forEachPiece(of text: ArraySlice<Unicode.Scalar>, _ body: (Range<Int>) -> Void) {
        var start = text.startIndex
        let end = text.endIndex
        while start < end {
            let scalar = text[start]
            if scalar == "'", let length = contractionLength(text, at: start) {
                body(start..<(start + length))
                start += length
                continue
            }
            let kind = ByteLevelCharacterClass.of(scalar)
            if kind == .whitespace {
                let next = start + 1
                if scalar == " ", next < end, ByteLevelCharacterClass.of(text[next]) != .whitespace {
                    // A space in front of a run: ' ?\p{L}+', ' ?\p{N}+' or ' ?[^\s\p{L}\p{N}]+'.
                    let stop = runEnd(text, from: next, kind: ByteLevelCharacterClass.of(text[next]))
                    body(start..<stop)
                    start = stop
                    continue
                }
                let stop = runEnd(text, from: start, kind: .whitespace)
                let kept = stop == end || stop - start == 1 ? stop : stop - 1
                body(start..<kept)
                start = kept
                continue
            }
            let stop = runEnd(text, from: start, kind: kind)
            body(start..<stop)
            start = stop
        }
    }

    /// The length of `'s`, `'t`, `'re`, `'ve`, `'m`, `'ll` or `'d` at `index` (an apostrophe), if one is there.
    private static func contractionLength(_ text: ArraySlice<Unicode.Scalar>, at index: Int) -> Int? {
        let next = index + 1
        guard next < text.endIndex else { return nil }
        let third: Unicode.Scalar? = next + 1 < text.endIndex ? text[next + 1] : nil
        switch text[next] {
        case "s", "t", "m", "d": return 2
        case "r", "v": return third == "e" ? 3 : nil
        case "l": return third == "l" ? 3 : nil
        default: return nil
        }
    }

    /// One past the last scalar of the run of `kind` starting at `index`.
    private static func runEnd(_ text: ArraySlice<Unicode.Scalar>, from index: Int, kind: ByteLevelCharacterClass) -> Int {
        var stop = index
        while stop < text.endIndex, ByteLevelCharacterClass.of(text[stop]) == kind { stop += 1 }
        return stop
    }
}

/// The classes GPT-2's pattern tells apart: `\p{L}`, `\p{N}`, `\s` (Unicode White_Space) and everything else, as
/// the reference's regex engine (Oniguruma, whose tables are Unicode 16) sees them. The exhaustive Unicode test
/// checks every scalar against the reference.
enum ByteLevelCharacterClass: Equatable {
    case letter, number, whitespace, other

    @inline(__always)
    static func of(_ scalar: Unicode.Scalar) -> ByteLevelCharacterClass {
        let value = scalar.value
        if value < 0x80 {
            if (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) { return .letter }
            if value >= 0x30 && value <= 0x39 { return .number }
            if value == 0x20 || (value >= 0x09 && value <= 0x0D) { return .whitespace }
            return .other
        }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        guard UnicodeVersion.oniguruma.knows(scalar) else { return .other }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }
}
