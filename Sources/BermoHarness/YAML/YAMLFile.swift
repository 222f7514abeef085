import BermoRuntime
import Foundation

/// Reads one YAML file into a located `ConfigNode` tree: the system's libyaml parses (`YAMLParser`),
/// `YAMLComposer` builds the tree, and every problem is a `file:line:column` message.
public enum YAMLFile {
    /// - Parameter displayPath: how the file is named in messages (as the user wrote it).
    public static func load(_ url: URL, displayPath: String) throws -> ConfigNode {
        let bytes: [UInt8]
        do { bytes = try TextFile.contents(of: url.path) } catch let error as FileError {
            throw SuiteError(.start(of: displayPath), "cannot read this file: \(error.reason)", fix: error.fix)
        }
        return try parse(bytes, displayPath: displayPath)
    }

    public static func parse(_ text: String, displayPath: String) throws -> ConfigNode {
        try parse(Array(text.utf8), displayPath: displayPath)
    }

    /// Read as every text file is (`TextFile`): a UTF-8 byte-order mark (some Windows editors write one) is
    /// skipped, so line 1's columns are the ones an editor shows; UTF-16 and invalid UTF-8 are located errors.
    /// A byte-order mark further in (files joined with `cat`) is named, rather than left to libyaml, which
    /// reports it as a baffling syntax error.
    static func parse(_ bytes: [UInt8], displayPath: String) throws -> ConfigNode {
        let start = SourceLocation.start(of: displayPath)
        let file: TextFile
        do { file = try TextFile(bytes: bytes, path: displayPath) } catch let error as TextFileError {
            throw SuiteError(SourceLocation(file: displayPath, line: error.line, column: error.column), error.problem, fix: error.fix)
        }
        if let mark = file.firstInnerByteOrderMark() {
            throw SuiteError(SourceLocation(file: displayPath, line: mark.line, column: mark.column),
                             "a byte-order mark (U+FEFF, invisible in most editors) inside the file",
                             fix: "delete it (files joined with `cat` keep each one's mark), e.g. `sed -i 's/\\xEF\\xBB\\xBF//g' \(displayPath)`")
        }
        let body = file.bytes[...]
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw SuiteError(start, "the file is empty", fix: "a suite needs at least `suite:`, `model:` and `tasks:` (see suites/README.md)")
        }
        let root = try body.withUnsafeBufferPointer { input in
            var composer = YAMLComposer(YAMLParser(input, file: displayPath))
            return try composer.document()
        }
        guard let root else {
            throw SuiteError(start, "the file holds no YAML document (only comments?)", fix: "add `suite:`, `model:` and `tasks:`")
        }
        return root
    }
}
