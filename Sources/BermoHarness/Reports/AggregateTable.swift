import Foundation

/// One task's metrics as a table: a row per (model,) variant, a column per metric, each cell mean ± std over
/// seeds (`Format.meanStd`). `summary.md` and `report.html` both show it; the HTML keeps the exact values as
/// `data-*` attributes.
enum AggregateTable {
    static func make(_ aggregates: [Aggregate], showModel: Bool) -> ReportTable {
        var metrics: [(String, Bool)] = []
        for a in aggregates where !metrics.contains(where: { $0.0 == a.metric }) { metrics.append((a.metric, a.higherIsBetter)) }
        var rows: [(String, String)] = []
        for a in aggregates where !rows.contains(where: { $0 == (a.model, a.variant) }) { rows.append((a.model, a.variant)) }
        let columns = (showModel ? [ReportTable.Column("model")] : []) + [ReportTable.Column("variant")]
            + metrics.map { ReportTable.Column("\($0.0) \($0.1 ? "↑" : "↓")", .right) }
        return ReportTable(columns: columns, rows: rows.map { model, variant in
            let cells = metrics.map { m -> ReportTable.Cell in
                guard let a = aggregates.first(where: { $0.model == model && $0.variant == variant && $0.metric == m.0 }) else { return "—" }
                var data = ["task": a.task, "model": a.model, "variant": a.variant, "metric": a.metric, "mean": "\(a.mean)", "n": "\(a.n)"]
                data["std"] = a.std.map { "\($0)" }
                return ReportTable.Cell(Format.meanStd(a), data: data)
            }
            return (showModel ? [ReportTable.Cell(model)] : []) + [ReportTable.Cell(variant)] + cells
        })
    }
}

extension ResultsDocument {
    /// Tasks in the order they first appear in the jobs (suite order is lost across merges; this is stable).
    var taskOrder: [String] {
        var seen: [String] = []
        for t in jobs.map(\.task) + failures.map(\.task) where !seen.contains(t) { seen.append(t) }
        return seen
    }

    /// Whether results hold more than one model (tables then name the model).
    var showsModel: Bool { Set(aggregates.map(\.model)).count > 1 }
}
