/// How `bermo compare --format` shows a comparison. Every form renders through `ComparisonTable`, so a column it
/// gains (a test, a p-value) appears in the terminal table, the Markdown and the annotations alike.
public enum GateFormat: String, CaseIterable, Sendable {
    /// An aligned table for a terminal.
    case text
    /// A Markdown report for a pull-request comment: a heading naming the suite, the verdict line, the table.
    case markdown
    /// GitHub Actions: the text table for the job log, then an `::error` annotation per regressed or missing
    /// metric and a `::warning` per metric that improved beyond its tolerance (the committed baseline is stale:
    /// the gate no longer protects the new level) or that every job skipped (not checked); the Markdown report is
    /// appended to `$GITHUB_STEP_SUMMARY` when it is set (`Gate.compare`).
    case github

    /// What `bermo compare` prints on standard output.
    func rendered(_ c: Comparison, suite: String, all: Bool) -> String {
        switch self {
        case .text: ComparisonTable.text(c, all: all)
        case .markdown: Self.markdownReport(c, suite: suite, all: all)
        case .github: ComparisonTable.text(c, all: all) + Self.annotations(c).map { $0 + "\n" }.joined()
        }
    }

    /// The Markdown report (a pull-request comment, GitHub's step summary).
    static func markdownReport(_ c: Comparison, suite: String, all: Bool) -> String {
        "### bermo compare: suite \(Markdown.escape(suite))\n\n" + ComparisonTable.markdown(c, all: all) + "\n"
    }

    /// One annotation per metric worth a reviewer's eye: errors for what fails the gate, warnings for a stale
    /// baseline or a metric left unchecked. The message is the metric's table row, column by column.
    static func annotations(_ c: Comparison) -> [String] {
        let columns = ComparisonTable.Columns(c)
        return c.rows.compactMap { row in
            let (command, what): (String, String)
            switch row.verdict {
            case .regressed: (command, what) = ("error", "regressed beyond its tolerance")
            case .missing: (command, what) = ("error", "missing (in the baseline, not in these results)")
            case .improved: (command, what) = ("warning", "improved beyond its tolerance: update the committed baseline so the gate holds the new level")
            case .skipped: (command, what) = ("warning", "not checked: every job of it was skipped")
            case .within, .new: return nil
            }
            let cells = zip(ComparisonTable.header(columns), ComparisonTable.cells(row, columns)).map { "\($0): \($1)" }
            return GitHubWorkflowCommand.line(command, properties: ["title": "bermo gate: \(row.key) \(row.verdict.rawValue)"],
                                              message: "\(row.key) \(what). " + cells.joined(separator: "; "))
        }
    }
}
