@testable import BermoHarness
import BermoRuntime
import Foundation
import Testing

/// The YAML layer's structure rules and its defences against hostile files: every problem is a located
/// `SuiteError`, never a crash, a hang or a runaway allocation.
@Suite struct YAMLFileTests {
    func parse(_ yaml: String) throws -> ConfigNode { try YAMLFile.parse(yaml, displayPath: "y.yaml") }

    /// The error `yaml` gives, or nil (recorded as a failure) when it parses.
    func error(_ yaml: String) -> SuiteError? {
        #expect(throws: SuiteError.self) { try parse(yaml) }
    }

    func load(_ bytes: [UInt8]) throws -> ConfigNode {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("b.yaml")
        try Data(bytes).write(to: url)
        return try YAMLFile.load(url, displayPath: "b.yaml")
    }

    @Test func aliasesCopyTheAnchoredValueWithItsLocation() throws {
        let node = try parse("shared: &s {lr: 0.1, seeds: [1, 2]}\na: *s\nb: &x 1\nb2: &x 2\nc: *x\n")
        #expect(node["a"] == node["shared"])
        #expect(node["a"]?.location == SourceLocation(file: "y.yaml", line: 1, column: 9))  // where `&s` is written
        #expect(node["c"]?.kind == .int(2))  // a later anchor of the same name shadows the earlier one
    }

    @Test func undefinedAndSelfReferentialAliasesAreLocated() {
        let undefined = error("a: 1\nb: *nope\n")
        #expect(undefined?.description.hasPrefix("y.yaml:2:4: error: the alias `*nope` refers to no anchor defined before it") == true)
        let selfReference = error("a: &x [1, *x]\n")
        #expect(selfReference?.location.line == 1 && selfReference?.location.column == 11)
    }

    /// "Billion laughs": 9 levels of 9 aliases each would be 9^9 nodes from a few hundred bytes.
    @Test func anAliasBombStopsAtTheAliasBudget() {
        var yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        let names = Array("abcdefghi")
        for (previous, name) in zip(names, names.dropFirst()) {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        #expect(yaml.utf8.count < 500)
        let start = ContinuousClock.now
        let error = error(yaml)
        #expect(ContinuousClock.now - start < .seconds(5))
        // a..d are 10, 91, 820 and 7381 nodes; d's block copies 8289 in all, e's first alias passes 10,000.
        #expect(error?.description.hasPrefix("y.yaml:5:8: error: aliases expand to more than 10000 nodes") == true,
                "\(error?.description ?? "-")")
    }

    @Test func modestSharingStaysWithinTheBudget() throws {
        let block = "&b {" + (0..<20).map { "k\($0): \($0)" }.joined(separator: ", ") + "}"
        let node = try parse("base: \(block)\n" + (0..<100).map { "t\($0): *b\n" }.joined())
        #expect(node.entries?.count == 101 && node["t99"] == node["base"])
    }

    @Test func nestingIsBoundedAt64Levels() throws {
        let ok = try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        #expect(ok.items?.count == 1)
        let flow = error(String(repeating: "[", count: 100_000))
        #expect(flow?.description.hasPrefix("y.yaml:1:65: error: the file nests deeper than 64 levels") == true)
        let block = error((0..<70).map { String(repeating: " ", count: 2 * $0) + "k:\n" }.joined())
        #expect(block?.location.line == 65 && block?.message.contains("deeper than 64 levels") == true)
        // An alias adds the depth of what it copies.
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let viaAlias = error("a: &d \(deep)\nb: " + String(repeating: "[", count: 30) + "*d" + String(repeating: "]", count: 30) + "\n")
        #expect(viaAlias?.location.line == 2 && viaAlias?.message.contains("`*d` nests the file deeper than 64 levels") == true)
    }

    @Test func duplicateKeysAreFoundAtEveryLevel() {
        let cases: [(String, Int, Int, String)] = [
            ("a: 1\na: 2\n", 1, 1, "`a` appears twice in the same mapping (again at line 2, column 1)"),
            ("tasks:\n  - task: x\n    lr: 1\n    lr: 2\n", 3, 5, "`lr` appears twice"),
            ("a:\n  b:\n    c: 1\n    c: 2\n", 3, 5, "`c` appears twice"),
            ("a: {x: 1, y: 2, x: 3}\n", 1, 5, "`x` appears twice"),
            ("'1': a\n1: b\n", 1, 1, "`1` appears twice"),
        ]
        for (yaml, line, column, fragment) in cases {
            let e = error(yaml)
            #expect(e?.location.line == line && e?.location.column == column, "\(yaml)")
            #expect(e?.message.contains(fragment) == true, "\(yaml): \(e?.description ?? "-")")
        }
        #expect(throws: Never.self) { try parse("a: {x: 1}\nb: {x: 2}\nc: [{x: 1}, {x: 2}]\n") }
    }

    @Test func mergeKeysComplexKeysAndSecondDocumentsAreRefused() {
        let merge = error("base: &b {x: 1}\nderived:\n  <<: *b\n")
        #expect(merge?.location.line == 3 && merge?.location.column == 3 && merge?.message.contains("merge keys") == true)
        let complex = error("? [a, b]\n: c\n")
        #expect(complex?.location.line == 1 && complex?.message.contains("must be a plain word") == true)
        let second = error("a: 1\n---\nb: 2\n")
        #expect(second?.location.line == 2 && second?.location.column == 1 && second?.message.contains("second YAML document") == true)
        let comments = error("# only a comment\n")
        #expect(comments?.message.contains("no YAML document") == true)
    }

    @Test func aUTF8ByteOrderMarkIsSkippedAndUTF16IsNamed() throws {
        let node = try load([0xEF, 0xBB, 0xBF] + Array("suite: x\nmodel: m\n".utf8))
        #expect(node.entries?.map(\.key) == ["suite", "model"])
        #expect(node.entries?.first?.keyLocation == SourceLocation(file: "b.yaml", line: 1, column: 1))
        let utf16 = #expect(throws: SuiteError.self) { try load([0xFF, 0xFE] + Array("s".utf16).flatMap { [UInt8($0), 0] }) }
        #expect(utf16?.message.contains("UTF-16") == true)
    }

    /// Two files joined with `cat` keep the second one's byte-order mark; libyaml would call it a syntax error.
    @Test func aByteOrderMarkInsideTheFileIsNamed() throws {
        let joined = error("suite: x\n\u{FEFF}model: m\n")
        #expect(joined?.location.line == 2 && joined?.location.column == 1)
        #expect(joined?.message.contains("byte-order mark") == true, "\(joined?.description ?? "")")
    }

    @Test func invalidUTF8AndControlCharactersAreLocated() throws {
        let bad = #expect(throws: SuiteError.self) { try load(Array("suite: x\nmodel: m\nbad: é".utf8) + [0xFF, 0x0A]) }
        #expect(bad?.location.line == 3 && bad?.location.column == 7)
        #expect(bad?.message.contains("not valid UTF-8") == true && bad?.fix?.contains("iconv") == true)
        let control = error("a: b\u{1}c\n")
        #expect(control?.location.line == 1 && control?.location.column == 5)
        #expect(control?.message.contains("control characters") == true && control?.message.contains("U+0001") == true)
    }

    /// Every prefix of a file using most of YAML's syntax, and thousands of random byte changes to it,
    /// either parse or give a located error.
    @Test func damagedFilesNeverCrash() {
        let sample = """
            suite: "fuzz"   # comment
            base: &b {lr: 2e-5, flags: [yes, no, ~], name: 'a ''quoted'' one'}
            tasks:
              - task: a
                params: *b
                text: |
                  literal
                folded: >-
                  folded
                  text
              - {task: b, seeds: [1, 0x1F, 1:30, .inf]}
            ? complex
            : value

            """
        let bytes = Array(sample.utf8)
        func survives(_ candidate: [UInt8]) -> Bool {
            do {
                _ = try YAMLFile.parse(candidate, displayPath: "f.yaml")
                return true
            } catch let error as SuiteError {
                return error.location.line >= 1 && error.location.column >= 1
            } catch {
                return false
            }
        }
        for end in 0...bytes.count {
            #expect(survives(Array(bytes[..<end])), "prefix of \(end) bytes")
        }
        var random = SeededRandom(seed: 7)
        let alphabet = Array("[]{}:,-?&*!|>'\"#%@` \t\n\\ax0.".utf8) + [0x00, 0xC3, 0xFF]
        for round in 0..<3000 {
            var mutated = bytes
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let i = Int(random.next() % UInt64(mutated.count))
                mutated[i] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            #expect(survives(mutated), "round \(round)")
        }
    }
}
