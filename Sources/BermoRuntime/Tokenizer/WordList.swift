/// The words of one text as the basic tokenizer leaves them, stored as one flat scalar array plus word ends.
///
/// Tokenizing a corpus calls the basic tokenizer once per sentence; keeping the words flat means a sentence costs a
/// few reused arrays instead of one `String` per word, and WordPiece can read the scalars without re-decoding.
struct WordList {
    /// The scalars of all words, back to back.
    var scalars: [Unicode.Scalar] = []
    /// `ends[i]` is one past the last scalar of word `i`; word `i` starts at `ends[i - 1]` (or 0).
    var ends: [Int] = []

    var count: Int { ends.count }

    func range(of word: Int) -> Range<Int> { (word == 0 ? 0 : ends[word - 1])..<ends[word] }

    func string(of word: Int) -> String {
        var text = String()
        text.unicodeScalars.append(contentsOf: scalars[range(of: word)])
        return text
    }

    /// Ends the word being built, if it has any scalar; called at whitespace and around punctuation.
    @inline(__always)
    mutating func closeWord() {
        let start = ends.last ?? 0
        if scalars.count > start { ends.append(scalars.count) }
    }

    mutating func removeAll() {
        scalars.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}
