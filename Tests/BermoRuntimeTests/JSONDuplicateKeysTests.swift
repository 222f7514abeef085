@testable import BermoRuntime
import Foundation
import Testing

@Suite("Duplicate JSON keys")
struct JSONDuplicateKeysTests {
    func first(_ text: String) -> JSONDuplicateKeys.Duplicate? { JSONDuplicateKeys.first(in: Array(text.utf8)) }

    @Test("a key twice in one object is found with its object and the line of the second")
    func found() {
        #expect(first("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}") == .init(key: "a", object: "", line: 3))
        #expect(first("{\"id2label\": {\"0\": \"x\",\n\"0\": \"y\"}}") == .init(key: "0", object: "id2label", line: 2))
        #expect(first("[{\"a\": 1}, {\"k\": {\"a\": 1, \"a\": 2}}]") == .init(key: "a", object: "[].k", line: 1))
        #expect(first("{\"added_tokens\": [{\"id\": 0},\n {\"id\": 1, \"id\": 2}]}") == .init(key: "id", object: "added_tokens[]", line: 2))
    }

    @Test("JSONParser finds the same repeated key, object and line as the scan, while it parses")
    func parserAgrees() {
        let texts = ["{\"a\": 1,\n \"b\": 2,\n \"a\": 3}", "{\"id2label\": {\"0\": \"x\",\n\"0\": \"y\"}}",
                     "[{\"a\": 1}, {\"k\": {\"a\": 1, \"a\": 2}}]", "{\"added_tokens\": [{\"id\": 0},\n {\"id\": 1, \"id\": 2}]}",
                     #"{"m": [[{"x": 1, "\u0078": 2}]]}"#, #"{"a": {"a": 1}, "b": [{"a": 2}]}"#]
        for text in texts {
            let parsed: JSONParser.Failure?
            do { _ = try JSONParser.parse(Array(text.utf8)); parsed = nil } catch { parsed = error }
            #expect(parsed?.duplicate == first(text), "\(text)")
        }
        #expect(first(#"{"m": [[{"x": 1, "\u0078": 2}]]}"#) == .init(key: "x", object: "m[][]", line: 1))
    }

    @Test("escapes are compared unescaped, as every JSON reader sees them")
    func escapes() {
        #expect(first(#"{"a": 1, "\u0061": 2}"#)?.key == "a")
        #expect(first(#"{"😀": 1, "\ud83d\ude00": 2}"#)?.key == "😀")
        #expect(first(#"{"a\"b": 1, "a\u0022b": 2}"#)?.key == "a\"b")
    }

    @Test("the same key in different objects, key-like strings in values and arrays are no duplicates")
    func notDuplicates() {
        #expect(first(#"{"a": {"a": 1}, "b": {"a": 2}}"#) == nil)
        #expect(first(#"{"a": "a", "b": ["a", "a"], "c": "{\"a\": 1, \"a\": 2}"}"#) == nil)
        #expect(first(#"[{"a": 1}, {"a": 1}]"#) == nil)
    }

    @Test("truncated or malformed text ends the scan without reading out of bounds")
    func malformed() {
        for text in ["{\"a", "{\"a\\", "{\"a\\u00", "}}]]", "{\"a\": 1, \"a", "\"\\ud83d\"", ""] { _ = first(text) }
        #expect(first("{\"a\": 1, \"b") == nil)
    }
}
