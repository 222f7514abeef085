import BermoHarness
import Foundation

/// Compares two heads' pruning curves at equal remaining weights: the paper's "better parameter efficiency".
///
/// The penalty methods (L0, soft movement) set sparsity through `final_lambda`, and the same lambda prunes
/// the two heads to different levels, so comparing them task by task (at equal lambda) compares different
/// sparsities. Instead each head's levels give a curve of mean dev score against mean remaining weights
/// (completed seeds), and the curves are compared where both were measured: at every level either head
/// reached inside the overlap of their remaining-weight ranges, the other head's score is interpolated
/// linearly in log(remaining weights) between its neighbouring levels. No extrapolation: outside the overlap
/// nothing is claimed. The summary is the difference averaged over the overlap in log(remaining weights),
/// exact for the piecewise-linear curves.
public enum EqualSparsity {
    /// One measured level of one head: mean remaining weights and mean dev score over its completed seeds
    /// (`completed` of `seeds`; the others diverged and have no final score).
    public struct Level: Sendable, Equatable {
        public var task: String
        public var remaining: Double
        public var score: Double
        public var completed: Int
        public var seeds: Int
        public init(task: String, remaining: Double, score: Double, completed: Int = 1, seeds: Int = 1) {
            self.task = task; self.remaining = remaining; self.score = score; self.completed = completed; self.seeds = seeds
        }
    }

    /// One row of the comparison: both heads' scores at one remaining-weight level.
    public struct Row: Sendable, Equatable {
        public var remaining: Double
        public var baseline: Double
        public var candidate: Double
        /// The head(s) that measured this level, with the task and its completed/total seeds; the other
        /// head's score is interpolated.
        public var measuredBy: [String]
        public var difference: Double { candidate - baseline }
    }

    public struct Comparison: Sendable {
        /// The curve compared (`PruningReport.Row.curve`).
        public var curve: String
        public var baselineLevels: [Level]
        public var candidateLevels: [Level]
        /// Empty when the ranges do not overlap (see `overlap`).
        public var rows: [Row]
        /// The remaining-weight interval both heads cover, nil when disjoint.
        public var overlap: ClosedRange<Double>?
        /// Candidate minus baseline score, averaged over the overlap in log(remaining); nil without overlap,
        /// and the difference at that single point when the overlap is one level.
        public var meanDifference: Double?
    }

    /// Each head's levels for a curve (`PruningReport.Row.curve`: the method, with its settings when they
    /// vary): one per task with at least one completed seed, sorted by remaining.
    public static func levels(_ rows: [PruningReport.Row], curve: String, variant: String) -> [Level] {
        rows.filter { $0.curve == curve && $0.variant == variant }.compactMap { r in
            guard let s = r.score, let x = r.completedRemaining, x.mean > 0 else { return nil }
            return Level(task: r.task, remaining: x.mean, score: s.mean, completed: r.seeds - r.diverged, seeds: r.seeds)
        }.sorted { $0.remaining < $1.remaining }
    }

    /// The comparison for every curve in `rows` that both variants ran.
    public static func compare(_ rows: [PruningReport.Row], baseline: String, candidate: String) -> [Comparison] {
        PruningReport.curves(rows).compactMap { curve in
            guard rows.contains(where: { $0.curve == curve && $0.variant == baseline }),
                  rows.contains(where: { $0.curve == curve && $0.variant == candidate }) else { return nil }
            return compare(curve: curve, baseline: levels(rows, curve: curve, variant: baseline),
                           candidate: levels(rows, curve: curve, variant: candidate), baselineName: baseline, candidateName: candidate)
        }
    }

    /// Both curves at every measured level inside their overlap.
    public static func compare(curve: String, baseline b: [Level], candidate c: [Level],
                               baselineName: String = "baseline", candidateName: String = "candidate") -> Comparison {
        var out = Comparison(curve: curve, baselineLevels: b, candidateLevels: c, rows: [], overlap: nil, meanDifference: nil)
        guard let bLo = b.first?.remaining, let bHi = b.last?.remaining, let cLo = c.first?.remaining, let cHi = c.last?.remaining else { return out }
        let lo = max(bLo, cLo), hi = min(bHi, cHi)
        guard lo <= hi else { return out }
        out.overlap = lo...hi
        let marks = (b.map { ($0, baselineName) } + c.map { ($0, candidateName) })
            .filter { $0.0.remaining >= lo && $0.0.remaining <= hi }
            .sorted { $0.0.remaining < $1.0.remaining }
        for (level, head) in marks {
            guard let sb = interpolate(b, at: level.remaining), let sc = interpolate(c, at: level.remaining) else { continue }
            let mark = "\(head): \(level.task), \(level.completed)/\(level.seeds) seeds"
            if let last = out.rows.last, last.remaining == level.remaining {  // both heads measured this very level
                out.rows[out.rows.count - 1].measuredBy.append(mark)
            } else {
                out.rows.append(Row(remaining: level.remaining, baseline: sb, candidate: sc, measuredBy: [mark]))
            }
        }
        if out.rows.count == 1 || lo == hi {
            out.meanDifference = out.rows.first?.difference
        } else if out.rows.count > 1 {
            // Both curves are linear in log(x) between consecutive rows (every breakpoint is a row), so the
            // trapezoid rule over the rows integrates their difference exactly.
            var area = 0.0
            for (p, q) in zip(out.rows, out.rows.dropFirst()) {
                area += (log(q.remaining) - log(p.remaining)) * (p.difference + q.difference) / 2
            }
            out.meanDifference = area / (log(hi) - log(lo))
        }
        return out
    }

    /// The piecewise-linear curve through `levels` (sorted by remaining) at `x`, in log(remaining); nil
    /// outside the measured range.
    public static func interpolate(_ levels: [Level], at x: Double) -> Double? {
        guard let first = levels.first, let last = levels.last, x >= first.remaining, x <= last.remaining else { return nil }
        if let exact = levels.first(where: { $0.remaining == x }) { return exact.score }
        guard let i = levels.firstIndex(where: { $0.remaining > x }), i > 0 else { return nil }
        let p = levels[i - 1], q = levels[i]
        let t = (log(x) - log(p.remaining)) / (log(q.remaining) - log(p.remaining))
        return p.score + t * (q.score - p.score)
    }

    /// A difference in points, rounded to two decimals first so that a tiny negative prints as +0.00.
    static func points(_ fraction: Double) -> Double {
        let p = (100 * fraction * 100).rounded() / 100
        return p == 0 ? 0 : p
    }

    /// The comparisons as Markdown (percent): per curve the overlap, one line per level inside it and the
    /// mean difference, or why there is nothing to compare.
    public static func markdown(_ comparisons: [Comparison], baseline: String, candidate: String) -> String {
        var out = ""
        for c in comparisons {
            out += "\n**\(c.curve)**: " + summary(c, baseline: baseline, candidate: candidate) + "\n"
            if let table = table(c, baseline: baseline, candidate: candidate) { out += "\n" + table.markdown }
        }
        return out
    }

    /// One sentence: the overlap and the mean difference over it, or why there is nothing to compare.
    public static func summary(_ c: Comparison, baseline: String, candidate: String) -> String {
        guard let overlap = c.overlap, let mean = c.meanDifference else {
            func range(_ l: [Level]) -> String {
                guard let a = l.first, let b = l.last else { return "no completed level" }
                return String(format: "%.2f%%–%.2f%%", 100 * a.remaining, 100 * b.remaining)
            }
            return "no equal-sparsity comparison: \(baseline) covers \(range(c.baselineLevels)), \(candidate) covers "
                + "\(range(c.candidateLevels)) remaining; widen the final_lambda grid so the ranges overlap."
        }
        return String(format: "overlap %.2f%%–%.2f%% remaining; %@ − %@ averaged over it (log scale): %+.2f points",
                      100 * overlap.lowerBound, 100 * overlap.upperBound, candidate, baseline, points(mean))
    }

    /// One row per level inside the overlap: both heads' scores (percent) and their difference (points); nil
    /// when there is nothing to compare (`summary` says why).
    public static func table(_ c: Comparison, baseline: String, candidate: String) -> ReportTable? {
        guard c.overlap != nil, c.meanDifference != nil else { return nil }
        return ReportTable(columns: [.init("remaining weights", .right), .init(baseline, .right), .init(candidate, .right),
                              .init("\(candidate) − \(baseline)", .right), .init("measured by (task, completed/all seeds); the other head interpolated")],
                    rows: c.rows.map { r in
                        [ReportTable.Cell(String(format: "%.2f%%", 100 * r.remaining)), ReportTable.Cell(String(format: "%.2f", 100 * r.baseline)),
                         ReportTable.Cell(String(format: "%.2f", 100 * r.candidate)), ReportTable.Cell(String(format: "%+.2f", points(r.difference))),
                         ReportTable.Cell(r.measuredBy.joined(separator: "; "))]
                    })
    }
}
