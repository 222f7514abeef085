import Foundation

/// A tab-separated file with a header row, read the way GLUE's files are written: no quoting
/// (a `"` is an ordinary character), one record per line, `\r\n` tolerated.
public struct TSVTable: Sendable {
    public let path: String
    public let header: [String]
    /// Each row's fields and its 1-based line number in the file (for error messages).
    public let rows: [(fields: [String], line: Int)]
    /// Rows dropped because their field count did not match the header (only with `skipBadRows`).
    public let skippedLines: [Int]

    public init(path: String, skipBadRows: Bool = false) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuntimeError("\(path): cannot read this file; check the path (datasets are read from --data-dir / $BERMO_DATA)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RuntimeError("\(path): not valid UTF-8; re-encode it as UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first else { throw RuntimeError("\(path): the file is empty; a header row is required") }
        func fields(_ s: Substring) -> [String] {
            var s = s
            if s.hasSuffix("\r") { s = s.dropLast() }
            return s.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        header = fields(first)
        var rows: [(fields: [String], line: Int)] = [], skipped: [Int] = []
        for (i, line) in lines.enumerated().dropFirst() {
            let f = fields(line)
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
            throw RuntimeError("\(path): no column named '\(name)' (\(option)); the header has: \(header.joined(separator: ", "))")
        }
        return i
    }
}
