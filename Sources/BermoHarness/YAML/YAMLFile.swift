import Foundation

/// Reads one YAML file into a located `ConfigNode` tree: the system's libyaml parses (`YAMLParser`),
/// `YAMLComposer` builds the tree, and every problem is a `file:line:column` message.
public enum YAMLFile {
    /// - Parameter displayPath: how the file is named in messages (as the user wrote it).
    public static func load(_ url: URL, displayPath: String) throws -> ConfigNode {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SuiteError(.start(of: displayPath), "cannot read this file", fix: "check that it exists and is readable")
        }
        return try parse([UInt8](data), displayPath: displayPath)
    }

    public static func parse(_ text: String, displayPath: String) throws -> ConfigNode {
        try parse(Array(text.utf8), displayPath: displayPath)
    }

    /// A UTF-8 byte-order mark (some Windows editors write one) is skipped, so line 1's columns are the
    /// ones an editor shows; a UTF-16 one is named, since libyaml is asked for UTF-8 only.
    static func parse(_ bytes: [UInt8], displayPath: String) throws -> ConfigNode {
        let start = SourceLocation.start(of: displayPath)
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
            throw SuiteError(start, "the file is UTF-16 (it starts with a UTF-16 byte-order mark)",
                             fix: "save it as UTF-8 (e.g. `iconv -f utf-16 -t utf-8`)")
        }
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
