import Foundation

/// A table as a report holds it before it is written: as Markdown (terminal, `summary.md`, `--markdown`) or as
/// HTML (`report.html`). Built once, so every format says the same thing.
public struct ReportTable: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable { case left, right }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) { self.title = title; self.alignment = alignment }
    }

    /// How the HTML report marks a cell; Markdown shows the text only.
    public enum Mark: String, Sendable, Equatable {
        /// Better than the reference beyond noise or tolerance (an improvement, an interval above zero).
        case good
        /// Worse: a regression, a missing metric, an interval below zero.
        case bad
        /// Worth a look without being a verdict (a job that did not complete).
        case note
    }

    public struct Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        public var text: String
        /// Bold in both formats (a verdict worth the eye).
        public var strong: Bool
        public var mark: Mark?
        /// Machine-readable facts about the cell (task, variant, metric, the exact value), written as `data-*`
        /// attributes in HTML so a script (or the browser test) can check a shown number against results.json.
        public var data: [String: String]

        public init(_ text: String, strong: Bool = false, mark: Mark? = nil, data: [String: String] = [:]) {
            self.text = text; self.strong = strong; self.mark = mark; self.data = data
        }
        public init(stringLiteral text: String) { self.init(text) }
    }

    public var columns: [Column]
    public var rows: [[Cell]]

    public init(columns: [Column], rows: [[Cell]] = []) { self.columns = columns; self.rows = rows }

    /// A GitHub-flavoured Markdown table; `|` and line breaks inside cells are escaped.
    public var markdown: String {
        var out = "| " + columns.map { Markdown.escape($0.title) }.joined(separator: " | ") + " |\n"
        out += "|" + columns.map { $0.alignment == .right ? "---:|" : "---|" }.joined() + "\n"
        for row in rows {
            out += "| " + row.map { $0.strong ? "**\(Markdown.escape($0.text))**" : Markdown.escape($0.text) }.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
