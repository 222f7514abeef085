import Foundation

/// A tab-separated file with a header row, read the way GLUE's files are written: no quoting
/// (a `"` is an ordinary character), one record per line (LF, CRLF or CR: `TextFile`).
public struct TSVTable: Sendable {
    public let path: String
    public let header: [String]
    /// Each row's fields and its 1-based line number in the file (for error messages).
    public let rows: [(fields: [String], line: Int)]
    /// Rows dropped because their field count did not match the header (only with `skipBadRows`).
    public let skippedLines: [Int]

    public init(path: String, skipBadRows: Bool = false) throws {
        self.path = path
        let file = try TextFile(contentsOf: path, unreadableFix: "check the path (datasets are read from --data-dir / $BERMO_DATA)")
        guard file.lineCount > 0 else { throw RuntimeError("\(path): the file is empty; a header row is required") }
        func fields(_ line: Int) -> [String] {
            file.line(line).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        header = fields(0)
        var rows: [(fields: [String], line: Int)] = [], skipped: [Int] = []
        for i in 1..<file.lineCount {
            let f = fields(i)
            if f.count != header.count {
                if skipBadRows { skipped.append(i + 1); continue }
                throw RuntimeError("\(path):\(i + 1): expected \(header.count) tab-separated fields (as the header has) but found \(f.count); fix the row or pass --skip-bad-rows to skip and count such rows")
            }
            rows.append((f, i + 1))
        }
        self.rows = rows; skippedLines = skipped
    }

    /// Index of a column by header name, with an error listing the real ones.
    public func column(_ name: String, option: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw RuntimeError("\(path):1: no column named \(VisibleText.quoted(name)) (\(option)); the header has: \(header.map { VisibleText.quoted($0) }.joined(separator: ", "))")
        }
        return i
    }
}
