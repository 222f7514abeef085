import BermoRuntime
import Foundation

/// The three partitions of a probing file, by the tag in its first field.
public enum SentEvalSplit: String, CaseIterable, Sendable, Codable {
    case train = "tr"
    case dev = "va"
    case test = "te"

    public var name: String {
        switch self {
        case .train: "train"
        case .dev: "dev"
        case .test: "test"
        }
    }
}

/// One line of a probing file.
public struct SentEvalExample: Sendable, Equatable {
    public let split: SentEvalSplit
    public let label: String
    /// The sentence as SentEval hands it to an encoder: the last field split on whitespace and re-joined
    /// with single spaces (SentEval passes `line[-1].split()`; a BERT batcher joins the tokens with ' ').
    public let sentence: String
    /// 1-based line number in the file, for messages.
    public let line: Int
}

/// Label counts and baselines of one split.
public struct SplitStatistics: Sendable, Codable, Equatable {
    public let split: SentEvalSplit
    public let count: Int
    /// The split's own most frequent label (ties: the first in label order) and its share of the split:
    /// what a probe that always answers that label would score here.
    public let majorityLabel: String
    public let majorityAccuracy: Double
    /// The share of this split carrying the *training* split's majority label: what a probe that learned
    /// only the training prior scores here.
    public let trainMajorityAccuracy: Double
    /// Lines whose label never occurs in the training split. No probe can predict them (SentEval itself
    /// would stop with a KeyError on them; see `SentEvalDataset`).
    public let unseenLabelCount: Int
    /// The best accuracy any probe can reach on this split: 1 − unseen / count.
    public var accuracyCeiling: Double { count == 0 ? 0 : 1 - Double(unseenLabelCount) / Double(count) }
    public let distinctLabels: Int
}

/// A SentEval probing file: lines `split<TAB>label<TAB>sentence`, split one of `tr`, `va`, `te`.
///
/// Read as SentEval's `PROBINGEval.loadFile` does: each line is right-stripped, split on tabs, the tag is
/// field 0, the label field 1 and the sentence the *last* field (SentEval's README says "at least" three
/// fields), and the label ids are the positions of the labels in `sorted(np.unique(train labels))`,
/// i.e. code-point order of the distinct *training* labels. SentEval maps dev and test labels through the
/// same table and would raise a KeyError on a label absent from training; on the official files that
/// never happens, but on subsets it does (word_content). Here such lines keep label id −1: they stay in
/// their split's denominator, are always scored wrong, and are counted (`SplitStatistics.unseenLabelCount`,
/// `accuracyCeiling`), so a score is always "accuracy over the whole split" next to its ceiling.
///
/// Stricter than SentEval where it would silently misread a line: fewer than three fields, an unknown tag,
/// an empty label or sentence are errors naming the file and line.
public struct SentEvalDataset: Sendable {
    public let path: String
    /// Lines in file order (after `limit`).
    public let examples: [SentEvalExample]
    /// The distinct training labels in SentEval's order; a label's id is its index here.
    public let labels: [String]
    /// Per example, the label id, or −1 when the label does not occur in training.
    public let labelIds: [Int]
    /// sha256 of the file's bytes (the whole file, before `limit`).
    public let fileSha256: String
    /// sha256 of the selected content (tag, label, normalised sentence per line): identifies exactly the
    /// sentences a feature cache holds, also for a `limit`ed dataset.
    public let fingerprint: String
    /// Lines kept per split when loaded with a limit (nil: all lines).
    public let limit: Int?

    public var classCount: Int { labels.count }

    /// Reads a probing file. `limit` keeps at most that many lines of each split, evenly spaced over the
    /// split in file order (the files are ordered within splits, so a prefix would skew the labels).
    public static func load(path: String, limit: Int? = nil) throws -> SentEvalDataset {
        let fix = "SentEval probing files are read from --data-dir / $BERMO_DATA (senteval-probing/); `bermo data fetch senteval` downloads the full ones"
        return try SentEvalDataset(data: Data(TextFile.contents(of: path, unreadableFix: fix)), path: path, limit: limit)
    }

    /// Parses file content; `path` is used in messages only.
    public init(data: Data, path: String, limit: Int? = nil) throws {
        if let limit, limit < 1 {
            throw RuntimeError("\(path): limit \(limit) keeps no lines; use a positive number of lines per split, or none")
        }
        self.path = path
        self.limit = limit
        fileSha256 = try Digest.sha256(data)
        let file = try TextFile(bytes: [UInt8](data), path: path)
        let all = try (0..<file.lineCount).map { try Self.parse(file.line($0), number: $0 + 1, path: path) }
        var kept: [SentEvalExample] = []
        for split in SentEvalSplit.allCases {
            let members = all.filter { $0.split == split }
            guard !members.isEmpty else {
                throw RuntimeError("\(path): no lines tagged '\(split.rawValue)' (\(split.name) split); a probing file "
                    + "needs tr, va and te lines (the first field of each line); check that this is a SentEval probing file")
            }
            if let limit, limit < members.count {
                kept += (0..<limit).map { members[$0 * members.count / limit] }
            } else {
                kept += members
            }
        }
        // Keep file order (splits are contiguous in SentEval's files, but do not rely on it).
        kept.sort { $0.line < $1.line }
        examples = kept
        labels = Self.sortedLabels(Set(kept.filter { $0.split == .train }.map(\.label)))
        let table = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        labelIds = kept.map { table[$0.label] ?? -1 }
        let digest = try Digest(.sha256)
        for e in kept { try digest.update("\(e.split.rawValue)\t\(e.label)\t\(e.sentence)\n") }
        fingerprint = try digest.finalize()
    }

    /// SentEval's `sorted(np.unique(labels))`: Python compares strings by code point.
    public static func sortedLabels(_ labels: Set<String>) -> [String] {
        labels.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
    }

    static func parse(_ raw: String, number: Int, path: String) throws -> SentEvalExample {
        // Python's str.rstrip(): trailing whitespace, '\r' of a CRLF file included.
        var line = Substring(raw)
        while let last = line.unicodeScalars.last, last.properties.isWhitespace { line = line.dropLast() }
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 3 else {
            throw RuntimeError("\(path):\(number): expected at least 3 tab-separated fields "
                + "(split<TAB>label<TAB>sentence) but found \(fields.count) in \(VisibleText.quoted(line)); fix or delete this line")
        }
        guard let split = SentEvalSplit(rawValue: String(fields[0])) else {
            throw RuntimeError("\(path):\(number): field 1 (split tag) is \(VisibleText.quoted(fields[0])); it must be tr, va or te")
        }
        let label = String(fields[1])
        guard !label.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RuntimeError("\(path):\(number): field 2 (label) is empty; every line needs its class label")
        }
        let tokens = fields[fields.count - 1].split(whereSeparator: { $0.isWhitespace })
        guard !tokens.isEmpty else {
            throw RuntimeError("\(path):\(number): the last field (sentence) is empty; fix or delete this line")
        }
        return SentEvalExample(split: split, label: label, sentence: tokens.joined(separator: " "), line: number)
    }

    /// Positions in `examples` of one split, in file order.
    public func indices(_ split: SentEvalSplit) -> [Int] {
        examples.indices.filter { examples[$0].split == split }
    }

    public func sentences(_ split: SentEvalSplit) -> [String] { indices(split).map { examples[$0].sentence } }
    public func labelIds(_ split: SentEvalSplit) -> [Int] { indices(split).map { labelIds[$0] } }

    public func statistics(_ split: SentEvalSplit) -> SplitStatistics {
        let rows = indices(split)
        var counts: [String: Int] = [:]
        for i in rows { counts[examples[i].label, default: 0] += 1 }
        let order = Self.sortedLabels(Set(counts.keys))
        let top = counts.values.max() ?? 0
        let first = order.first { counts[$0] == top } ?? ""
        let trainTop = trainMajorityLabel
        let n = rows.count
        return SplitStatistics(
            split: split, count: n, majorityLabel: first,
            majorityAccuracy: n == 0 ? 0 : Double(top) / Double(n),
            trainMajorityAccuracy: n == 0 ? 0 : Double(counts[trainTop] ?? 0) / Double(n),
            unseenLabelCount: rows.filter { labelIds[$0] < 0 }.count,
            distinctLabels: counts.count)
    }

    /// The most frequent training label (ties: first in label order).
    public var trainMajorityLabel: String {
        var counts = [Int](repeating: 0, count: labels.count)
        for (i, e) in examples.enumerated() where e.split == .train { counts[labelIds[i]] += 1 }
        guard let top = counts.max() else { return "" }
        return labels[counts.firstIndex(of: top)!]
    }
}
