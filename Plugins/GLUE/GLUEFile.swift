import BermoRuntime
import Foundation

/// One GLUE TSV file read the way GLUE's loaders read it: tab-separated, no quoting (Python's
/// `csv.QUOTE_NONE`: a `"` is an ordinary character), one record per line (LF, CRLF or CR, as Python's universal
/// newlines), a leading UTF-8 byte-order mark (MRPC's files have one) ignored: `TextFile`.
///
/// Only the text, pair and label columns are turned into strings, so MNLI's 400 MB train file (twelve
/// columns, most of them parse trees) reads without materialising fields nobody uses.
public struct GLUEFile: Sendable {
    public let path: String
    /// Labelled examples in file order.
    public let examples: [Example]
    /// Data rows in the file (header excluded), including skipped ones.
    public let dataRows: Int
    /// 1-based line numbers of rows skipped under `GLUEMalformedRowPolicy.skipAndCount`.
    public let skippedLines: [Int]

    /// Reads `path` with `task`'s layout. Damaged content is an error naming the file, line and field;
    /// under `.skipAndCount` a row with the wrong field count or an empty/unknown label is skipped and counted.
    public init(path: String, task: GLUETask, policy: GLUEMalformedRowPolicy? = nil) throws {
        self.path = path
        let policy = policy ?? task.malformedRows
        let file = try TextFile(contentsOf: path, unreadableFix: "check the path and permissions (GLUE data is read from <data-dir>/glue/\(task.directoryName)/, where <data-dir> is --data-dir or $BERMO_DATA)")

        let fetchHint = "the file is damaged or not GLUE's \(task.displayName) file; fetch it again with `bermo data fetch glue --tasks \(task.id.rawValue)`"
        var examples: [Example] = [], skipped: [Int] = [], dataRows = 0
        var labelIndex: [String: Int] = [:]
        for (i, l) in (task.fileLabels ?? []).enumerated() { labelIndex[l] = i }
        var fieldCount = task.headerlessFieldCount ?? 0
        var starts: [Int] = [], ends: [Int] = []
        let bytes = file.bytes

        func string(_ field: Int) -> String {
            String(decoding: bytes[starts[field]..<ends[field]], as: UTF8.self)
        }

        for (index, line) in file.lineRanges.enumerated() {
            let lineNumber = index + 1
            starts.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true)
            var s = line.lowerBound
            for j in line where bytes[j] == 0x09 { starts.append(s); ends.append(j); s = j + 1 }
            starts.append(s); ends.append(line.upperBound)

            if lineNumber == 1 && task.hasHeader {
                fieldCount = starts.count
                for column in [task.textColumn, task.labelColumn] + (task.pairColumn.map { [$0] } ?? []) {
                    let at = column.resolved(fieldCount: fieldCount)
                    let found = (0..<fieldCount).contains(at) ? string(at) : nil
                    guard let expected = column.name, found != expected else { continue }
                    throw RuntimeError("\(path):1: expected the header column '\(column.name ?? "")' at position \(at) (0-based) of \(task.displayName)'s layout, found \(found.map { VisibleText.quoted($0) } ?? "only \(fieldCount) columns"); \(fetchHint)")
                }
                continue
            }
            dataRows += 1
            func reject(_ problem: String) throws {
                if policy == .skipAndCount { skipped.append(lineNumber); return }
                throw RuntimeError("\(path):\(lineNumber): \(problem); \(fetchHint) (rows like this are only skipped for QQP, whose files are known to have them)")
            }
            guard starts.count == fieldCount else {
                try reject("expected \(fieldCount) tab-separated fields (as \(task.hasHeader ? "the header has" : "\(task.displayName)'s layout has") but found \(starts.count)")
                continue
            }
            let raw = string(task.labelColumn.resolved(fieldCount: fieldCount))
            var example = Example(text: string(task.textColumn.resolved(fieldCount: fieldCount)),
                                  pair: task.pairColumn.map { string($0.resolved(fieldCount: fieldCount)) })
            if let labels = task.fileLabels {
                guard let index = labelIndex[raw] else {
                    try reject("label \(VisibleText.quoted(raw)) in column \(task.labelColumn.name.map { "'\($0)'" } ?? "\(task.labelColumn.position)") is not one of \(task.displayName)'s labels (\(labels.joined(separator: ", ")))")
                    continue
                }
                example.label = index
            } else {
                guard let value = Float(raw), value.isFinite else {
                    try reject("score \(VisibleText.quoted(raw)) in column '\(task.labelColumn.name ?? "")' is not a number (\(task.displayName) is a regression task with scores 0-5)")
                    continue
                }
                example.value = value
            }
            examples.append(example)
        }
        if task.hasHeader && file.lineCount == 0 {
            throw RuntimeError("\(path): the file is empty, but \(task.displayName)'s files start with a header row; \(fetchHint)")
        }
        self.examples = examples; self.dataRows = dataRows; self.skippedLines = skipped
    }
}
