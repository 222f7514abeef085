/// Renders a comparison as an aligned text table (terminal) or a Markdown table (reports).
public enum ComparisonTable {
    /// Which optional columns a table has: the model (several models) and the noise test (a noise-aware tolerance).
    struct Columns {
        var model: Bool, noise: Bool
        init(_ c: Comparison) {
            model = Set(c.rows.map(\.key.model)).count > 1
            noise = c.rows.contains { $0.noise != nil }
        }
    }

    static func header(_ columns: Columns) -> [String] {
        header(columns.model) + (columns.noise ? ["seed-noise test"] : [])
    }

    static func cells(_ r: MetricComparison, _ columns: Columns) -> [String] {
        var row = cells(r, columns.model)
        if r.insideNoise { row[row.count - 1] = "within (seed noise)" }
        if columns.noise {
            row.append(r.noise.map { n in n.summary(worse: r.movedWorse) + (n.note.map { " — \($0)" } ?? "") } ?? "—")
        }
        return row
    }

    static func header(_ showModel: Bool) -> [String] {
        ["task", "metric", "variant"] + (showModel ? ["model"] : []) + ["baseline", "current", "Δ", "allowed", "verdict"]
    }

    static func cells(_ r: MetricComparison, _ showModel: Bool) -> [String] {
        let arrow = r.higherIsBetter ? "↑" : "↓"
        return [r.key.task, "\(r.key.metric) \(arrow)", r.key.variant] + (showModel ? [r.key.model] : []) + [
            r.baseline.map(Format.meanStd) ?? "—", r.current.map(Format.meanStd) ?? "—",
            r.delta.map(Format.signed) ?? "—",
            r.allowed.map { "±" + Format.number($0) + " (\(r.tolerance))" } ?? "\(r.tolerance)",
            r.verdict == .regressed || r.verdict == .missing ? r.verdict.rawValue.uppercased() : r.verdict.rawValue,
        ]
    }

    public static func text(_ c: Comparison, all: Bool = false) -> String {
        let rows = all ? c.rows : c.moved
        let columns = Columns(c)
        guard !rows.isEmpty else { return c.summaryLine + "\n(nothing moved)\n" }
        let table = [header(columns)] + rows.map { cells($0, columns) }
        let widths = (0..<table[0].count).map { col in table.map { $0[col].count }.max() ?? 0 }
        var out = ""
        for (i, row) in table.enumerated() {
            out += zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
            if i == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out + c.summaryLine + "\n"
    }

    public static func markdown(_ c: Comparison, all: Bool = false) -> String {
        let rows = all ? c.rows : c.moved
        var out = c.summaryLine + "\n\n"
        guard !rows.isEmpty else { return out + "Nothing moved.\n" }
        out += table(c, rows: rows).markdown
        return out
    }

    /// `rows` of `c` as a report table: regressions and missing metrics marked bad, improvements good, the verdict
    /// cell keyed (task, variant, metric, model, verdict) for machines.
    public static func table(_ c: Comparison, rows: [MetricComparison]) -> ReportTable {
        let columns = Columns(c)
        let verdictColumn = header(columns.model).count - 1
        let titles = header(columns).map { title in
            ReportTable.Column(title, ["baseline", "current", "Δ", "allowed"].contains(title) ? .right : .left)
        }
        return ReportTable(columns: titles, rows: rows.map { r in
            let mark: ReportTable.Mark? = r.failsGate ? .bad : r.verdict == .improved ? .good : nil
            let data = ["task": r.key.task, "variant": r.key.variant, "metric": r.key.metric, "model": r.key.model, "verdict": r.verdict.rawValue]
            // The verdict cell carries the row's key; every cell carries the mark, so the whole row is highlighted.
            return cells(r, columns).enumerated().map { i, text in ReportTable.Cell(text, mark: mark, data: i == verdictColumn ? data : [:]) }
        })
    }
}
