import Foundation

/// Renders `results.json`'s comparisons as a Markdown table: in `summary.md`, and (with each variant's mean
/// and the task's group) as the README's result tables (`bermo report comparisons`).
public enum PairedComparisonTable {
    public struct Style: Sendable {
        /// Values × 100 with two decimals (accuracy in %), instead of the metric's units with four.
        public var percent = false
        /// Columns with each variant's mean ± std over the paired seeds, and the task's group (when tasks have one).
        public var means = false
        public init(percent: Bool = false, means: Bool = false) { self.percent = percent; self.means = means }
    }

    /// What the table shows, for the reader of a report.
    public static let explanation = "Per seed, variant − reference (both ran the seed); mean Δ with a 95% interval over seeds "
        + "(Student t below \(MeanInterval.bootstrapMinimumCount) pairs, percentile bootstrap from there on)."

    public static func markdown(_ comparisons: [PairedComparison], style: Style = Style()) -> String {
        guard !comparisons.isEmpty else { return "No comparisons.\n" }
        var out = table(comparisons, style: style).markdown
        let notes = self.notes(comparisons)
        if !notes.isEmpty { out += "\n" + notes.map { "- " + Markdown.escape($0) }.joined(separator: "\n") + "\n" }
        return out
    }

    /// A row per comparison: mean Δ with its 95% interval ("not enough seeds" below two paired seeds), n and
    /// whether the interval excludes 0. A row whose interval excludes 0 is marked (good when it favours the
    /// variant, bad when it favours the reference); the Δ cell carries the exact numbers for machines.
    public static func table(_ comparisons: [PairedComparison], style: Style = Style()) -> ReportTable {
        let showModel = Set(comparisons.map(\.model)).count > 1
        let left: Set<String> = ["task", "group", "model", "metric", "variant − reference", "excludes 0"]
        let showGroup = style.means && comparisons.contains { $0.group != nil }
        let header = ["task"] + (showGroup ? ["group"] : []) + (showModel ? ["model"] : []) + ["metric", "variant − reference"]
            + (style.means ? ["reference", "variant"] : []) + ["mean Δ", "95% CI", "n", "excludes 0"]
        return ReportTable(columns: header.map { ReportTable.Column($0, left.contains($0) ? .left : .right) }, rows: comparisons.map { c in
            var cells = [c.task] + (showGroup ? [c.group ?? ""] : []) + (showModel ? [c.model] : [])
            cells += ["\(c.metric) \(c.higherIsBetter ? "↑" : "↓")", "\(c.variant) − \(c.reference)"]
            if style.means {
                cells += [meanStd(c.pairs.map(\.reference), style), meanStd(c.pairs.map(\.variant), style)]
            }
            cells.append(c.meanDifference.map { signed($0, style) } ?? "—")
            if let i = c.interval {
                cells.append("[\(signed(i.low, style)), \(signed(i.high, style))]" + (i.method == .bootstrapPercentile ? " (bootstrap)" : ""))
            } else {
                cells.append(c.n < 2 ? "not enough seeds (n < 2)" : "—")
            }
            cells.append("\(c.n)")
            cells.append(c.excludesZero.map { $0 ? "yes" : "no" } ?? "—")
            var mark: ReportTable.Mark?
            if c.excludesZero == true, let d = c.meanDifference { mark = (d > 0) == c.higherIsBetter ? .good : .bad }
            var data = ["task": c.task, "model": c.model, "metric": c.metric, "variant": c.variant, "reference": c.reference, "n": "\(c.n)"]
            data["difference"] = c.meanDifference.map { "\($0)" }
            data["low"] = c.interval.map { "\($0.low)" }
            data["high"] = c.interval.map { "\($0.high)" }
            data["excludes-zero"] = c.excludesZero.map { "\($0)" }
            let delta = cells.count - 4
            return cells.enumerated().map { i, text in
                ReportTable.Cell(text, strong: i == cells.count - 1 && c.excludesZero == true, mark: mark, data: i == delta ? data : [:])
            }
        })
    }

    /// The comparisons' notes (too few seeds, unpaired seeds, zero spread), one line each.
    static func notes(_ comparisons: [PairedComparison]) -> [String] {
        comparisons.compactMap { c in c.note.map { "\(c.task) · \(c.metric) · \(c.variant) − \(c.reference): \($0)" } }
    }

    static func number(_ x: Double, _ style: Style) -> String { style.percent ? String(format: "%.2f", 100 * x) : Format.number(x) }

    static func signed(_ x: Double, _ style: Style) -> String {
        style.percent ? String(format: "%+.2f", 100 * x) : Format.signed(x)
    }

    static func meanStd(_ values: [Double], _ style: Style) -> String {
        let (mean, std) = SampleMoments.of(values)
        guard !values.isEmpty else { return "—" }
        return number(mean, style) + (std.map { " ± " + number($0, style) } ?? "")
    }
}
