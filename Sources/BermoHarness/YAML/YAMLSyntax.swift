import CYAML
import Foundation

/// libyaml's errors as located suite errors, with advice for the mistakes people actually make.
enum YAMLSyntax {
    static func error(_ parser: yaml_parser_t, in source: YAMLParser) -> SuiteError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return SuiteError(.start(of: source.file), "libyaml ran out of memory", fix: "free some memory and retry")
        case YAML_READER_ERROR:
            // The reader knows only the byte offset of the bad character.
            let at = location(ofByte: parser.problem_offset, in: source)
            if problem.contains("UTF-8") || problem.contains("Unicode") {
                return SuiteError(at, "the file is not valid UTF-8 (\(problem))",
                                  fix: "save it as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)")
            }
            let code = String(format: "U+%04X", parser.problem_value)
            return SuiteError(at, "cannot read the file: \(problem) (\(code))", fix: "remove control characters and save as UTF-8")
        default:
            let mark = parser.problem_mark
            let at = SourceLocation(file: source.file, line: mark.line + 1, column: mark.column + 1)
            var message = "YAML syntax error: \(problem)"
            if let context = parser.context {
                message += " (\(String(cString: context)) at line \(parser.context_mark.line + 1), "
                    + "column \(parser.context_mark.column + 1))"
            }
            var fix = "check indentation and quoting on this line"
            if line(at.line, of: source).contains(0x09) || problem.contains("tab") {
                message = "YAML syntax error: a tab character; YAML indents with spaces only"
                fix = "replace the tabs with spaces"
            } else if problem.contains("mapping values are not allowed") {
                fix = "quote a value that contains `: ` (e.g. `description: \"a: b\"`), or fix the indentation"
            } else if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
                fix = "align this line with its siblings (same number of leading spaces)"
            }
            return SuiteError(at, message, fix: fix)
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    static func location(ofByte offset: Int, in source: YAMLParser) -> SourceLocation {
        var line = 1, column = 1
        for byte in source.input.prefix(offset) {
            if byte == 0x0A {
                line += 1; column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte: a new character
                column += 1
            }
        }
        return SourceLocation(file: source.file, line: line, column: column)
    }

    /// The bytes of a 1-based line.
    static func line(_ number: Int, of source: YAMLParser) -> ArraySlice<UInt8> {
        let lines = Array(source.input).split(separator: 0x0A, omittingEmptySubsequences: false)
        return number >= 1 && number <= lines.count ? lines[number - 1] : []
    }
}
