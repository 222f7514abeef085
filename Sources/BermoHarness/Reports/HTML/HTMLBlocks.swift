import Foundation

/// The format-neutral pieces of a report (`ReportTable`, `ReportBlock`, `ReportSection`, charts) as HTML.
extension ReportTable {
    /// A `<table>`: right-aligned columns get the class `num`, marked cells `mark-<mark>`, and a row whose every
    /// cell carries the same mark is marked as a whole (a regression reads as one highlighted line).
    var html: HTML {
        let head = HTML.element("thead", [HTML.element("tr", columns.map {
            HTML.element("th", ["class": $0.alignment == .right ? "num" : nil, "scope": "col"], text: $0.title)
        })])
        let body = HTML.element("tbody", rows.map { row in
            let marks = Set(row.map(\.mark))
            let rowMark = marks.count == 1 ? marks.first! : nil
            return HTML.element("tr", ["class": rowMark.map { "mark-\($0.rawValue)" }], row.enumerated().map { i, cell in
                let right = i < columns.count && columns[i].alignment == .right
                let classes = [right ? "num" : nil, cell.mark.map { "mark-\($0.rawValue)" }].compactMap { $0 }
                let content = cell.strong ? HTML.element("strong", text: cell.text) : HTML(text: cell.text)
                return HTML.element("td", ["class": classes.isEmpty ? nil : classes.joined(separator: " ")], data: cell.data, [content])
            })
        })
        return HTML.element("div", ["class": "table-wrap"], [HTML.element("table", [head, body])])
    }
}

extension SVGLineChart {
    /// The chart inline (no file, no request), in a figure the stylesheet scales to the page's width.
    var figure: HTML {
        var svg = render()
        if svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") { svg = String(svg[svg.index(after: end)...]) }
        return HTML.element("figure", ["class": "plot"], [HTML(trusted: svg)])
    }
}

extension ReportBlock {
    var html: HTML {
        switch self {
        case .heading(let text): HTML.element("h4", text: text)
        case .paragraph(let text): HTML.element("p", text: text)
        case .table(let table): table.html
        case .chart(let chart): chart.figure
        }
    }
}

extension ReportSection {
    /// The section under an `h2` (across tasks) or an `h3` (`nested` inside a task); consecutive charts share
    /// a grid, as the task's own plots do.
    func html(id: String, nested: Bool) -> HTML {
        var parts = [nested ? HTML.element("h3", text: title) : HTML.element("h2", text: title)]
        var charts: [HTML] = []
        func flush() {
            if !charts.isEmpty { parts.append(HTMLReport.plotGrid(charts)); charts = [] }
        }
        for block in blocks {
            if case .chart(let chart) = block { charts.append(chart.figure) } else { flush(); parts.append(block.html) }
        }
        flush()
        return HTML.element("section", ["class": "plugin-section", "id": id], parts)
    }
}
