/// The `longest_first` truncation of the reference (`tokenizers`' `truncate_encodings`, which `BertTokenizerFast`
/// runs), reduced to the lengths it keeps. Truncation always cuts at the end of a sequence.
///
/// For a pair it is *not* "drop one token at a time from the longer sequence, ties from the second": when both
/// sequences must be cut, the shorter one keeps `budget / 2` tokens and the longer keeps the rest; with equal
/// lengths the first sequence counts as the shorter, so on an odd budget the *pair* sequence keeps the extra token
/// (lengths 10 + 10 into a budget of 5 keep 2 + 3). Only when the shorter fits in half the budget does the longer
/// one alone give up tokens.
enum LongestFirstTruncation {
    /// Lengths to keep for a sequence of `first` tokens (and optionally a pair of `second` tokens) when only
    /// `budget` tokens fit besides the special tokens.
    static func keptLengths(first: Int, second: Int?, budget: Int) -> (first: Int, second: Int) {
        guard let second else { return (min(first, budget), 0) }
        if first + second <= budget { return (first, second) }
        let swapped = first > second
        var shorter = swapped ? second : first
        var longer = swapped ? first : second
        // The shorter keeps everything if that leaves at least as much room for the longer one.
        longer = shorter > budget ? shorter : max(shorter, budget - shorter)
        if shorter + longer > budget {
            shorter = budget / 2
            longer = shorter + budget % 2
        }
        return swapped ? (longer, shorter) : (shorter, longer)
    }
}
