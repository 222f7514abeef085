import Foundation

/// Renders `results.json`'s comparisons as a Markdown table: in `summary.md`, and (with each variant's mean
/// and the task's group) as the README's result tables (`bermo report comparisons`).
public enum PairedComparisonTable {
    public struct Style: Sendable {
        /// Values × 100 with two decimals (accuracy in %), instead of the metric's units with four.
        public var percent = false
        /// Columns with the group and each variant's mean ± std over the paired seeds.
        public var means = false
        public init(percent: Bool = false, means: Bool = false) { self.percent = percent; self.means = means }
    }

    public static func markdown(_ comparisons: [PairedComparison], style: Style = Style()) -> String {
        guard !comparisons.isEmpty else { return "No comparisons.\n" }
        let showModel = Set(comparisons.map(\.model)).count > 1
        let header = ["task"] + (style.means ? ["group"] : []) + (showModel ? ["model"] : []) + ["metric", "variant − reference"]
            + (style.means ? ["reference", "variant"] : []) + ["mean Δ", "95% CI", "n", "excludes 0"]
        var out = "| " + header.joined(separator: " | ") + " |\n|"
            + header.map { ["task", "group", "model", "metric", "variant − reference", "excludes 0"].contains($0) ? "---|" : "---:|" }.joined() + "\n"
        for c in comparisons {
            var cells = [c.task] + (style.means ? [c.group ?? ""] : []) + (showModel ? [c.model] : [])
            cells += ["\(c.metric) \(c.higherIsBetter ? "↑" : "↓")", "\(c.variant) − \(c.reference)"]
            if style.means {
                cells += [meanStd(c.pairs.map(\.reference), style), meanStd(c.pairs.map(\.variant), style)]
            }
            cells.append(c.meanDifference.map { signed($0, style) } ?? "—")
            if let i = c.interval {
                cells.append("[\(signed(i.low, style)), \(signed(i.high, style))]" + (i.method == .bootstrapPercentile ? " (bootstrap)" : ""))
            } else {
                cells.append(c.n < 2 ? "— (n < 2)" : "—")
            }
            cells.append("\(c.n)")
            cells.append(c.excludesZero.map { $0 ? "**yes**" : "no" } ?? "—")
            out += "| " + cells.map(Markdown.escape).joined(separator: " | ") + " |\n"
        }
        let notes = comparisons.compactMap { c in c.note.map { "- \(c.task) · \(c.metric) · \(c.variant) − \(c.reference): \(Markdown.escape($0))" } }
        if !notes.isEmpty { out += "\n" + notes.joined(separator: "\n") + "\n" }
        return out
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
