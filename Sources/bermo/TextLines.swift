import Foundation

/// Reads a UTF-8 text file as one sentence per line. Only the final newline is dropped, so every
/// line (empty, or starting with a tab) stays a sentence and line numbers match the input's.
enum TextLines {
    static func read(_ path: String) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationFailure("\(path): cannot read the input file (does it exist, and is it readable?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let line = firstInvalidUTF8Line(data)
            throw ValidationFailure("\(url.path):\(line): the input is not valid UTF-8; convert it (e.g. `iconv -f latin1 -t utf-8`)")
        }
        if text.isEmpty { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    private static func firstInvalidUTF8Line(_ data: Data) -> Int {
        var line = 1
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            if String(data: data[start..<end], encoding: .utf8) == nil { return line }
            line += 1; start = end < data.endIndex ? data.index(after: end) : end
        }
        return line
    }
}

/// A user-facing error from the CLI: printed as is, exit code 2.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
