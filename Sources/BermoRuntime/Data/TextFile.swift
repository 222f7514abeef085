import Foundation

/// A text file as every reader of users' files sees it (`bermo encode` input, fine-tuning TSVs, SentEval and
/// GLUE files, suites, results): read once, checked, and cut into lines the same way everywhere.
///
/// - **Line endings**: LF, CRLF and a lone CR (old Mac files) all end a line, as in Python's universal
///   newlines, which SentEval's and GLUE's loaders use. Lines are cut on bytes, never on `Character`s: Swift
///   treats "\r\n" as *one* Character, so splitting a String on "\n" leaves CRLF files in one piece.
/// - **A terminator at the very end** ends the last line; it does not start an empty one. Every other line,
///   empty ones included, is kept, so line numbers match an editor's.
/// - **A UTF-8 byte-order mark** at the start (Windows editors write one, MRPC's files have one) is dropped
///   (`startsWithByteOrderMark` says it was there). One inside the text is a character like any other (U+FEFF,
///   a zero-width no-break space, which real GLUE sentences contain); messages quoting a value name it
///   (`VisibleText`) instead of printing an invisible character.
/// - **Encoding**: the content must be UTF-8. The first invalid byte is reported with its line, column and
///   byte offset and how to convert the file; a UTF-16 file is recognised by its byte-order mark and named.
public struct TextFile: Sendable {
    /// The file as messages name it.
    public let path: String
    /// The content after a leading byte-order mark: valid UTF-8.
    public let bytes: [UInt8]
    /// Each line's bytes in `bytes`, without its terminator; line `i + 1` of the file is `lineRanges[i]`.
    public let lineRanges: [Range<Int>]
    /// Whether the file started with a UTF-8 byte-order mark (dropped from `bytes`).
    public let startsWithByteOrderMark: Bool

    /// Reads `path`. An unreadable file is a `FileError` whose fix is `unreadableFix` when given (say where
    /// such files come from), else the usual remedy for the system's reason.
    public init(contentsOf path: String, unreadableFix: String? = nil) throws {
        try self.init(bytes: try Self.contents(of: path, unreadableFix: unreadableFix), path: path)
    }

    /// Checks and splits `bytes`; `path` names the content in messages.
    public init(bytes raw: [UInt8], path: String) throws {
        self.path = path
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        startsWithByteOrderMark = raw.starts(with: byteOrderMark)
        if raw.starts(with: [0xFF, 0xFE]) || raw.starts(with: [0xFE, 0xFF]) {
            throw TextFileError(path: path, line: 1, column: 1, "the file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8",
                                fix: "convert it, e.g. `iconv -f utf-16 -t utf-8 \(path) > \(path).utf8`")
        }
        let content = startsWithByteOrderMark ? Array(raw.dropFirst(3)) : raw
        let skipped = raw.count - content.count
        lineRanges = try content.withUnsafeBufferPointer { try Self.lines($0, path: path, offsetInFile: skipped) }
        bytes = content
    }

    public var lineCount: Int { lineRanges.count }

    /// Line `index + 1` of the file.
    public func line(_ index: Int) -> String { String(decoding: bytes[lineRanges[index]], as: UTF8.self) }

    /// Every line, in order.
    public var lines: [String] { lineRanges.indices.map(line) }

    /// The line and column (1-based, in characters) of the first byte-order mark after the start, for
    /// formats where one can only be a mistake (files joined with `cat`); nil when there is none.
    public func firstInnerByteOrderMark() -> (line: Int, column: Int)? {
        guard let at = bytes.indices.dropLast(2).first(where: { bytes[$0] == 0xEF && bytes[$0 + 1] == 0xBB && bytes[$0 + 2] == 0xBF }),
              let line = lineRanges.firstIndex(where: { $0.contains(at) }) else { return nil }
        let before = String(decoding: bytes[lineRanges[line].lowerBound..<at], as: UTF8.self)
        return (line + 1, before.unicodeScalars.count + 1)
    }

    /// Cuts `buffer` into lines while checking that it is UTF-8; `offsetInFile` is added to byte offsets in
    /// messages (the dropped byte-order mark).
    static func lines(_ buffer: UnsafeBufferPointer<UInt8>, path: String, offsetInFile: Int) throws -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0, i = 0
        let n = buffer.count
        while i < n {
            let byte = buffer[i]
            if byte == 0x0A || byte == 0x0D {
                ranges.append(start..<i)
                i += byte == 0x0D && i + 1 < n && buffer[i + 1] == 0x0A ? 2 : 1
                start = i
            } else if byte < 0x80 {
                i += 1
            } else if let length = UTF8Validation.sequenceLength(buffer, at: i) {
                i += length
            } else {
                let column = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<i]), as: UTF8.self).unicodeScalars.count + 1
                let shown = String(byte, radix: 16, uppercase: true)
                throw TextFileError(
                    path: path, line: ranges.count + 1, column: column,
                    "byte \(i + offsetInFile) (0x\(shown.count == 1 ? "0" : "")\(shown)) is not valid UTF-8: the file is in another encoding (Latin-1 or Windows-1252?)",
                    fix: "convert it to UTF-8, e.g. `iconv -f latin1 -t utf-8 \(path) > \(path).utf8`")
            }
        }
        if start < n { ranges.append(start..<n) }
        return ranges
    }

    /// The raw bytes of `path` (a regular file, or a pipe such as `/dev/stdin`), for readers that also hash
    /// them; an unreadable file is a `FileError` (see `init(contentsOf:unreadableFix:)`).
    public static func contents(of path: String, unreadableFix: String? = nil) throws -> [UInt8] {
        func failure(_ code: Int32) -> FileError { FileError(path: path, action: "cannot read", code: code, fix: unreadableFix) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(errno) }
        if info.st_mode & S_IFMT == S_IFDIR { throw failure(EISDIR) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 1 << 16)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            if count == 0 { return bytes }
            // Checked while reading, so a device that never ends (`--input /dev/zero`, `/dev/urandom`) is refused
            // after one chunk instead of filling the memory.
            // (A UTF-16 file with its byte-order mark is read whole: its readers name the encoding.)
            let head = bytes.isEmpty ? Array(chunk[..<min(count, 2)]) : Array(bytes.prefix(2))
            let utf16 = head == [0xFF, 0xFE] || head == [0xFE, 0xFF]
            if !utf16, let nul = chunk[..<count].firstIndex(of: 0) {
                bytes.append(contentsOf: chunk[..<nul])
                throw nulError(path: path, before: bytes)
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    /// A NUL byte after `before`: no text format bermo reads has one, so the file is binary, or UTF-16 without a
    /// byte-order mark (every other byte of ASCII text is NUL there).
    static func nulError(path: String, before: [UInt8]) -> TextFileError {
        var line = 1, lineStart = 0
        for (i, b) in before.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 == before.count || before[i + 1] != 0x0A)) {
            line += 1; lineStart = i + 1
        }
        let column = String(decoding: before[lineStart...], as: UTF8.self).unicodeScalars.count + 1
        return TextFileError(path: path, line: line, column: column,
                             "byte \(before.count) is a NUL byte (0x00), which no text file has: this is binary data, or UTF-16 without a byte-order mark",
                             fix: "give a UTF-8 text file (convert UTF-16 with `iconv -f utf-16le -t utf-8`)")
    }
}

/// A problem with a text file's content, at a place in it: `path:line:column: problem; fix`.
public struct TextFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// 1-based line and column (in characters, as editors count) of the problem.
    public let line: Int
    public let column: Int
    public let problem: String
    public let fix: String

    public init(path: String, line: Int, column: Int, _ problem: String, fix: String) {
        self.path = path; self.line = line; self.column = column; self.problem = problem; self.fix = fix
    }

    public var description: String { "\(path):\(line):\(column): \(problem); \(fix)" }
}

/// Well-formed UTF-8 as the Unicode Standard defines it (Table 3-7): no overlong forms, no surrogates,
/// nothing above U+10FFFF. Checked byte by byte so the first bad byte's offset is known.
enum UTF8Validation {
    /// The length of the well-formed multi-byte sequence starting at `i` (whose first byte is ≥ 0x80), or nil.
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let lead = b[i]
        let (length, second): (Int, ClosedRange<UInt8>)
        switch lead {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard i + length <= b.count, second.contains(b[i + 1]) else { return nil }
        for k in 2..<length where !(0x80...0xBF).contains(b[i + k]) { return nil }
        return length
    }
}
