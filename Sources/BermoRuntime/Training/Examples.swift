/// A sentence (or sentence pair) with its target, as fine-tuning and evaluation consume it.
public struct Example: Sendable {
    public var text: String
    public var pair: String?
    /// Class index for classification; ignored for regression.
    public var label: Int
    /// Target value for regression; ignored for classification.
    public var value: Float
    public init(text: String, pair: String? = nil, label: Int = 0, value: Float = 0) {
        self.text = text; self.pair = pair; self.label = label; self.value = value
    }
}

/// Classification over named labels, or regression on one value.
public enum TaskKind: Sendable, Equatable, Codable {
    case classification(labels: [String])
    case regression
    public var numLabels: Int {
        switch self { case .classification(let l): l.count; case .regression: 1 }
    }
}

extension TSVTable {
    /// Reads examples from named columns. Classification labels are mapped through `kind`'s label
    /// list; an unknown label is an error naming the line.
    public func examples(textColumn: String, pairColumn: String?, labelColumn: String, kind: TaskKind) throws -> [Example] {
        let t = try column(textColumn, option: "--text-column")
        let p = try pairColumn.map { try column($0, option: "--text-pair-column") }
        let l = try column(labelColumn, option: "--label-column")
        guard !rows.isEmpty else {
            let skipped = skippedLines.isEmpty ? "" : " (\(skippedLines.count) malformed row(s) were skipped)"
            throw RuntimeError("\(path): no examples below the header\(skipped); add data rows, or check that this is the intended file")
        }
        var index: [String: Int] = [:]
        if case .classification(let labels) = kind { for (i, name) in labels.enumerated() { index[name] = i } }
        return try rows.map { row in
            let raw = row.fields[l]
            var ex = Example(text: row.fields[t], pair: p.map { row.fields[$0] })
            switch kind {
            case .classification(let labels):
                guard let i = index[raw] else {
                    throw RuntimeError("\(path):\(row.line): label \(VisibleText.quoted(raw)) in column '\(labelColumn)' is not one of the task's labels (\(labels.map { VisibleText.quoted($0) }.joined(separator: ", "))); fix the row, or train on a file that has this label")
                }
                ex.label = i
            case .regression:
                guard let v = Float(raw), v.isFinite else {
                    throw RuntimeError("\(path):\(row.line): \(VisibleText.quoted(raw)) in column '\(labelColumn)' is not a number, but the task is regression; fix the row, or drop --regression for class labels")
                }
                ex.value = v
            }
            return ex
        }
    }

    /// The label set of a column, sorted numerically when every label is an integer (so "0","1"
    /// map to 0, 1 as in GLUE) and lexically otherwise.
    public func labelSet(_ labelColumn: String) throws -> [String] {
        let l = try column(labelColumn, option: "--label-column")
        // An invisible character (a byte-order mark from files joined with `cat`) would make a class of its own.
        if let row = rows.first(where: { VisibleText.hasInvisible($0.fields[l]) }) {
            throw RuntimeError("\(path):\(row.line): label \(VisibleText.quoted(row.fields[l])) in column '\(labelColumn)' holds a character that does not show; remove it")
        }
        // Spaces around a label ("1 " beside "1", a TSV padded for alignment) would make a class of its own too.
        if let row = rows.first(where: { $0.fields[l] != $0.fields[l].trimmingCharacters(in: .whitespaces) }) {
            throw RuntimeError("\(path):\(row.line): label \(VisibleText.quoted(row.fields[l])) in column '\(labelColumn)' has spaces around it, "
                + "which would make it a class apart from \(VisibleText.quoted(row.fields[l].trimmingCharacters(in: .whitespaces))); remove them")
        }
        // Two spellings of one number ("1" and "01") would be two classes that sort as one.
        var byNumber: [Int: String] = [:]
        for row in rows {
            let label = row.fields[l]
            guard let n = Int(label) else { continue }
            if let other = byNumber[n], other != label {
                throw RuntimeError("\(path):\(row.line): label \(VisibleText.quoted(label)) in column '\(labelColumn)' is the number of label "
                    + "\(VisibleText.quoted(other)) written differently, which would make two classes of one; write every label one way")
            }
            byNumber[n] = label
        }
        let set = Set(rows.map { $0.fields[l] })
        // One class would build a one-output head, which is a regression head: refuse rather than guess.
        guard set.count >= 2 else {
            throw RuntimeError("\(path): column '\(labelColumn)' holds \(set.isEmpty ? "no label" : "only the label \(VisibleText.quoted(set.first!))"), "
                + "but classification needs at least two classes; add examples of the other classes, or pass --regression for a numeric target")
        }
        if set.allSatisfy({ Int($0) != nil }) { return set.sorted { Int($0)! < Int($1)! } }
        return set.sorted()
    }
}
