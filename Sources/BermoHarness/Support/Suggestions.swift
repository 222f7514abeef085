/// "Did you mean …?" suggestions for misspelt keys and ids, by edit distance.
public enum Suggestions {
    /// Edit distance counting an insertion, deletion, substitution or swap of two adjacent characters
    /// as 1 (optimal string alignment), case-insensitive. Swaps matter: `valeu` is one slip from `value`.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }

    /// The closest candidate, if it is close enough to be a plausible typo: one is a prefix of the other
    /// (`seed` for `seeds`), or at most a third of the word (and at least 1 edit) differs.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let w = word.lowercased()
        // A truncated or extended word (`seed`, `output`, `batch` for `batch_size`) is the likeliest intent.
        if w.count >= 3, let prefixed = candidates.filter({ $0.lowercased().hasPrefix(w) || w.hasPrefix($0.lowercased()) })
            .min(by: { abs($0.count - word.count) < abs($1.count - word.count) }) {
            return prefixed
        }
        let scored = candidates.map { ($0, distance(word, $0)) }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        guard let (best, d) = scored.first else { return nil }
        return d <= max(1, min(word.count, best.count) / 3) ? best : nil
    }

    /// " (did you mean `x`?)" or "", for appending to a message.
    public static func didYouMean(_ word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { "did you mean `\($0)`?" } ?? ""
    }
}
