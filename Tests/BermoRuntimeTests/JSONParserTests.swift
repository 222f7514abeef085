import Foundation
import Testing

@testable import BermoRuntime

@Suite("JSONParser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func keepsEveryStringExactlyAndTellsIntegersFromOtherNumbers() throws {
        // A leading U+FEFF is a character like any other (JSONSerialization drops it), escapes are decoded.
        #expect(try parse("{\"\u{FEFF}\": 1, \"a\\u00e9\\ud83d\\ude00\\n\": [true, false, null]}")
                == .object(["\u{FEFF}": .int(1), "aé😀\n": .array([.bool(true), .bool(false), .null])]))
        #expect(try parse(" [0, -7, 1.5, 2e3, 1E-2, 12345678901234567890] ")
                == .array([.int(0), .int(-7), .double(1.5), .double(2000), .double(0.01), .double(Double("12345678901234567890")!)]))
        #expect(try parse("\"\\\"\\\\\\/\\b\\f\\r\\t\"") == .string("\"\\/\u{08}\u{0C}\r\t"))
    }

    @Test func refusesWhatRFC8259RefusesWithTheLineAndColumn() throws {
        let cases: [(String, Int, Int, String)] = [
            ("{\"a\": 1,\n \"b\" 2}", 2, 6, "expected ':' after the key"),
            ("[1, 2", 1, 6, "the text ends inside a list"),
            ("[01]", 1, 2, "a number cannot start with 0"),
            ("[1.]", 1, 4, "a number needs digits after '.'"),
            ("\"\\ud800\"", 1, 8, "a lone surrogate \\u escape (no Unicode character)"),
            ("\"a\tb\"", 1, 3, "a control character inside a string (JSON needs it escaped)"),
            ("\"\\x\"", 1, 3, "an unknown escape in a string"),
            ("tru", 1, 1, "unexpected character where a value should be"),
            ("{} {}", 1, 4, "unexpected text after the JSON value"),
            (String(repeating: "[", count: 600), 1, 513, "nested more than 512 levels deep"),
        ]
        for (text, line, column, problem) in cases {
            #expect(throws: JSONParser.Failure(line: line, column: column, problem: problem), "\(text.prefix(20))") {
                try JSONParser.parse(Array(text.utf8))
            }
        }
    }
}
