import Foundation
import Yams

/// Reads one YAML file into a located `ConfigNode` tree with Yams (libyaml), turning its errors into
/// `file:line:column` messages.
public enum YAMLFile {
    /// - Parameter displayPath: how the file is named in messages (as the user wrote it).
    public static func load(_ url: URL, displayPath: String) throws -> ConfigNode {
        let start = SourceLocation.start(of: displayPath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SuiteError(start, "cannot read this file", fix: "check that it exists and is readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SuiteError(start, "the file is not valid UTF-8", fix: "save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)")
        }
        return try parse(text, displayPath: displayPath)
    }

    public static func parse(_ text: String, displayPath: String) throws -> ConfigNode {
        let start = SourceLocation.start(of: displayPath)
        if text.allSatisfy({ $0.isWhitespace }) {
            throw SuiteError(start, "the file is empty", fix: "a suite needs at least `suite:`, `model:` and `tasks:` (see suites/README.md)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw located(error, displayPath: displayPath, text: text)
        } catch {
            throw SuiteError(start, "cannot parse YAML: \(error)", fix: "check the file's syntax")
        }
        guard let node else {
            throw SuiteError(start, "the file holds no YAML document (only comments?)", fix: "add `suite:`, `model:` and `tasks:`")
        }
        return try convert(node, file: displayPath)
    }

    /// Converts a Yams node, resolving implicit tags (YAML 1.1 rules: `yes`/`no` are booleans, `2e-5` a number).
    static func convert(_ node: Node, file: String) throws -> ConfigNode {
        let location = SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return ConfigNode(.null, at: location, text: text)
            case .bool: return ConfigNode(node.bool.map { .bool($0) } ?? .string(text), at: location, text: text)
            case .int:
                if let i = node.int { return ConfigNode(.int(i), at: location, text: text) }
                throw SuiteError(location, "the integer \(text) is too large", fix: "write a smaller number or quote it")
            case .float: return ConfigNode(node.float.map { .double($0) } ?? .string(text), at: location, text: text)
            default: return ConfigNode(.string(text), at: location, text: text)
            }
        case .sequence(let sequence):
            return ConfigNode(.sequence(try sequence.map { try convert($0, file: file) }), at: location)
        case .mapping(let mapping):
            var entries: [ConfigEntry] = []
            for (key, value) in mapping {
                let keyLocation = key.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? location
                guard case .scalar(let keyScalar) = key else {
                    throw SuiteError(keyLocation, "a mapping key must be a plain word, not a list or mapping",
                                     fix: "write `name: value`")
                }
                if keyScalar.string == "<<" {
                    throw SuiteError(keyLocation, "YAML merge keys (`<<`) are not supported",
                                     fix: "use the suite's `defaults:` or `include:` to share values")
                }
                entries.append(ConfigEntry(key: keyScalar.string, keyLocation: keyLocation, value: try convert(value, file: file)))
            }
            return ConfigNode(.mapping(entries), at: location)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one means an undefined anchor.
            throw SuiteError(location, "an alias (`*name`) refers to no anchor", fix: "define the anchor (`&name`) before using it")
        }
    }

    /// A libyaml error as a located suite error, with advice for the mistakes people actually make.
    static func located(_ error: YamlError, displayPath: String, text: String) -> SuiteError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: displayPath, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            let line = lineText(text, mark.line)
            var fix = "check indentation and quoting on this line"
            if line.contains("\t") || problem.contains("tab") {
                message = "YAML syntax error: a tab character; YAML indents with spaces only"
                fix = "replace the tabs with spaces"
            } else if problem.contains("mapping values are not allowed") {
                fix = "quote a value that contains `: ` (e.g. `description: \"a: b\"`), or fix the indentation"
            } else if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
                fix = "align this line with its siblings (same number of leading spaces)"
            }
            return SuiteError(at(mark), message, fix: fix)
        case let .duplicatedKeysInMapping(duplicates, context):
            return SuiteError(at(context.mark), "the key \(duplicates.map { "`\($0)`" }.joined(separator: ", ")) appears twice in the same mapping",
                              fix: "keep one of them")
        case let .reader(problem, offset, _, _):
            let (line, column) = offset.map { lineColumn(text, characterOffset: $0) } ?? (1, 1)
            return SuiteError(SourceLocation(file: displayPath, line: line, column: column),
                              "cannot read the file: \(problem)", fix: "remove control characters and save as UTF-8")
        default:
            return SuiteError(.start(of: displayPath), "cannot parse YAML: \(error)", fix: "check the file's syntax")
        }
    }

    static func lineText(_ text: String, _ line: Int) -> Substring {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return line >= 1 && line <= lines.count ? lines[line - 1] : ""
    }

    static func lineColumn(_ text: String, characterOffset: Int) -> (Int, Int) {
        var line = 1, column = 1
        for (i, c) in text.enumerated() {
            if i == characterOffset { break }
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}
