/// Greedy longest-match-first WordPiece, as in Hugging Face's `WordPiece` model: a word is cut into the longest
/// vocabulary entry that starts it, then the longest `##`-prefixed entry that continues it, and so on. If some
/// remainder has no match, or the word is longer than `maxInputCharsPerWord` scalars, the whole word becomes a
/// single `[UNK]`, exactly as the reference does (it never emits a partial split).
struct WordPieceTokenizer: Sendable {
    /// The model's own table (added tokens are matched before the model sees the text).
    let idsByToken: [String: Int32]
    let unkId: Int32
    /// What marks a piece that continues a word (`##`), as UTF-8.
    let continuingSubwordPrefix: [UInt8]
    /// Counted in Unicode scalars, like Python's `len(str)` and Rust's `chars().count()`.
    let maxInputCharsPerWord: Int

    init(idsByToken: [String: Int32], unkId: Int32, continuingSubwordPrefix: String = "##", maxInputCharsPerWord: Int = 100) {
        self.idsByToken = idsByToken
        self.unkId = unkId
        self.continuingSubwordPrefix = Array(continuingSubwordPrefix.utf8)
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// Scratch space reused across words so the hot loop allocates nothing for short pieces.
    struct Scratch {
        /// UTF-8 of the word; `offsets[i]` is where scalar `i` starts, `offsets[count]` the end.
        var utf8: [UInt8] = []
        var offsets: [Int] = []
        /// The prefix followed by the rest of the word from the current start, so every candidate piece is a prefix.
        var candidate: [UInt8] = []
        /// Ids found for the word so far, discarded if the word turns out unmatchable.
        var pieces: [Int32] = []
    }

    /// Appends the ids of `word` to `ids`.
    func appendIds(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32], scratch: inout Scratch) {
        let count = word.count
        if count > maxInputCharsPerWord {
            ids.append(unkId)
            return
        }
        scratch.utf8.removeAll(keepingCapacity: true)
        scratch.offsets.removeAll(keepingCapacity: true)
        for scalar in word {
            scratch.offsets.append(scratch.utf8.count)
            UTF8.encode(scalar) { scratch.utf8.append($0) }
        }
        scratch.offsets.append(scratch.utf8.count)

        // Most words are whole vocabulary entries: try that before setting up the piece search.
        if let id = lookUp(scratch.utf8[...]) {
            ids.append(id)
            return
        }

        scratch.pieces.removeAll(keepingCapacity: true)
        var start = 0
        while start < count {
            let prefixLength = start == 0 ? 0 : continuingSubwordPrefix.count
            scratch.candidate.removeAll(keepingCapacity: true)
            if start > 0 { scratch.candidate.append(contentsOf: continuingSubwordPrefix) }
            scratch.candidate.append(contentsOf: scratch.utf8[scratch.offsets[start]...])
            var end = count
            var found: Int32?
            while end > start {
                let length = prefixLength + scratch.offsets[end] - scratch.offsets[start]
                if let id = lookUp(scratch.candidate[..<length]) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                ids.append(unkId)
                return
            }
            scratch.pieces.append(id)
            start = end
        }
        ids.append(contentsOf: scratch.pieces)
    }

    @inline(__always)
    private func lookUp(_ bytes: ArraySlice<UInt8>) -> Int32? {
        idsByToken[String(decoding: bytes, as: UTF8.self)]
    }
}
