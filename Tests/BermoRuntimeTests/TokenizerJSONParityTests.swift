import BermoTestSupport
import Foundation
import Testing

@testable import BermoRuntime

/// The tokenizers trained by `scripts/reference/make_tokenizer_json_fixture.py` (in `Tests/Fixtures/tokenizers`):
/// the ones saved as files, and the variants made from them by replacing parts of their JSON.
enum FixtureTokenizers {
    static let directory = Fixtures.url("tokenizers")

    /// Every tokenizer the fixture has expected ids for.
    static let names = [
        "wordpiece", "bpe", "char-bpe", "bpe-files", "wordpiece-cased-template", "wordpiece-raw-text",
        "wordpiece-nfkd-strip-lowercase", "wordpiece-nfc-strip", "wordpiece-nfd-nfkc", "bpe-prefix-space",
        "bpe-no-regex-template", "bpe-sequence-post-ignore-merges", "bpe-no-post-processor", "bpe-prefix-space-no-regex",
        "char-bpe-no-fuse-multi-id-template",
    ]

    static func manifest() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
            as? [String: Any])
    }

    /// The tokenizer `name`, loaded as bermo loads a model directory's (variants from a scratch folder).
    static func load(_ name: String, scratch: TemporaryDirectory) throws -> Tokenizer {
        let entries = try #require(try manifest()["tokenizers"] as? [String: [String: Any]])
        let entry = try #require(entries[name], "manifest.json lists no tokenizer \(name)")
        if let folder = entry["directory"] as? String {
            return try Tokenizer(modelDirectory: directory.appendingPathComponent(folder))
        }
        let base = try #require(entry["base"] as? String), overrides = try #require(entry["overrides"] as? [[Any]])
        let file = try writeTokenizerJSON(base: base, in: scratch, as: name) { json in
            for override in overrides {
                let path = try #require(override[0] as? String)
                set(&json, path: path.split(separator: ".").map(String.init), to: override[1])
            }
        }
        return try Tokenizer(modelDirectory: file.deletingLastPathComponent())
    }

    /// Writes the tokenizer.json of `base` after `edit` into `scratch/<folder>/tokenizer.json`. The file is read with
    /// bermo's parser, because `JSONSerialization` drops a U+FEFF that starts a string (a token of char-bpe).
    static func writeTokenizerJSON(base: String, in scratch: TemporaryDirectory, as folder: String = "edited",
                                   edit: (inout [String: Any]) throws -> Void) throws -> URL {
        let source = directory.appendingPathComponent(base).appendingPathComponent("tokenizer.json")
        var json = try #require(foundationObject(try JSONParser.parse(Array(Data(contentsOf: source)))) as? [String: Any])
        try edit(&json)
        let file = scratch.file(folder).appendingPathComponent("tokenizer.json")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: file)
        return file
    }

    /// `value` as `JSONSerialization` objects, which write it back exactly.
    static func foundationObject(_ value: JSONValue) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let flag): flag
        case .int(let number): number
        case .double(let number): number
        case .string(let text): text
        case .array(let elements): elements.map(foundationObject)
        case .object(let members): members.mapValues(foundationObject)
        }
    }

    /// Sets the value at `path` (object keys) inside `json`; JSON's null is `NSNull`.
    static func set(_ json: inout [String: Any], path: [String], to value: Any) {
        guard let key = path.first else { return }
        if path.count == 1 {
            json[key] = value
        } else {
            var inner = json[key] as? [String: Any] ?? [:]
            set(&inner, path: Array(path.dropFirst()), to: value)
            json[key] = inner
        }
    }
}

/// One line of `cases.jsonl`.
private struct FixtureCase: Decodable {
    var text: String
    var pair: String?
    var max_length: Int
}

@Suite("tokenizer.json, vocab.json + merges.txt: parity with the tokenizers library")
struct TokenizerJSONParityTests {
    @Test func theManifestListsEveryTestedTokenizerAndTheReferenceVersions() throws {
        let manifest = try FixtureTokenizers.manifest()
        let entries = try #require(manifest["tokenizers"] as? [String: Any])
        #expect(Set(entries.keys) == Set(FixtureTokenizers.names))
        let versions = try #require(manifest["versions"] as? [String: String])
        #expect(versions["tokenizers"]?.hasPrefix("0.") == true && versions["transformers"] != nil, "\(versions)")
    }

    /// Every case the reference tokenized with `name`: identical input ids and token types.
    @Test("identical ids on every fixture case", arguments: FixtureTokenizers.names)
    func parity(name: String) throws {
        let scratch = try TemporaryDirectory(); defer { scratch.cleanup() }
        let tokenizer = try FixtureTokenizers.load(name, scratch: scratch)
        let cases = try jsonLines(FixtureTokenizers.directory.appendingPathComponent("cases.jsonl")).map {
            try JSONDecoder().decode(FixtureCase.self, from: $0)
        }
        let expected = try jsonLines(FixtureTokenizers.directory.appendingPathComponent("expected/\(name).jsonl")).map {
            try #require(try JSONSerialization.jsonObject(with: $0) as? [Any])
        }
        #expect(expected.count >= 300, "the fixture must not be (nearly) empty for \(name)")
        var mismatches: [String] = []
        for line in expected {
            let index = try #require(line[0] as? Int)
            let ids = try #require(line[1] as? [Int]).map(Int32.init)
            let types = try #require(line[2] as? String).map { Int32(String($0))! }
            let example = cases[index]
            let encoding = tokenizer.encode(example.text, pair: example.pair, maxLength: example.max_length)
            if encoding.inputIds != ids || encoding.tokenTypeIds != types {
                mismatches.append(mismatch(index, text: example.text, pair: example.pair, maxLength: example.max_length,
                                           expected: (ids, types), got: encoding))
            }
        }
        let report = mismatches.prefix(5).joined(separator: "\n")
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) of \(expected.count) cases differ; first ones:\n\(report)")
    }

    /// The parts of `unicode.tsv`, as (first, last, fields after them) per kind.
    private func unicodeTable() throws -> [String: [(ClosedRange<UInt32>, [Substring])]] {
        let text = try String(contentsOf: FixtureTokenizers.directory.appendingPathComponent("unicode.tsv"), encoding: .utf8)
        var table: [String: [(ClosedRange<UInt32>, [Substring])]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            switch fields[0] {
            case "class", "strip":
                table[String(fields[0]), default: []].append(
                    (UInt32(fields[1], radix: 16)!...UInt32(fields[2], radix: 16)!, Array(fields.dropFirst(3))))
            case "changes":
                table["changes " + fields[1], default: []].append(
                    (UInt32(fields[2], radix: 16)!...UInt32(fields[3], radix: 16)!, []))
            default:
                table["digest " + fields[1]] = [(0...0, [fields[2]])]
            }
        }
        return table
    }

    private static var scalars: [Unicode.Scalar] {
        (0..<UInt32(0x110000)).compactMap(Unicode.Scalar.init)
    }

    /// GPT-2's pattern sorts every scalar into letter, number, whitespace or other; the class must be the one the
    /// reference's regex engine gives, for every scalar.
    @Test("every scalar in GPT-2's pattern classes as the reference's regex engine puts it")
    func byteLevelClassesMatchTheReference() throws {
        let runs = try #require(try unicodeTable()["class"])
        var checked = 0
        var mismatches: [String] = []
        for (range, fields) in runs {
            let expected: ByteLevelCharacterClass = switch fields[0] {
                case "letter": .letter
                case "number": .number
                case "whitespace": .whitespace
                default: .other
            }
            for value in range {
                let got = ByteLevelCharacterClass.of(Unicode.Scalar(value)!)
                if got != expected { mismatches.append("U+\(String(value, radix: 16, uppercase: true)) expected \(expected) got \(got)") }
                checked += 1
            }
        }
        #expect(checked == 0x110000 - 0x800)
        #expect(mismatches.isEmpty, "\(mismatches.count) scalars differ; first ones:\n\(mismatches.prefix(10).joined(separator: "\n"))")
    }

    /// The StripAccents normalizer removes exactly the scalars the reference removes.
    @Test func stripAccentsRemovesWhatTheReferenceRemoves() throws {
        let runs = try #require(try unicodeTable()["strip"])
        var removed = Set<UInt32>()
        for (range, _) in runs { removed.formUnion(range) }
        #expect(removed.count > 1000)
        let mismatches = Self.scalars.filter { UnicodeForms.isCombiningMark($0) != removed.contains($0.value) }
            .map { "U+\(String($0.value, radix: 16, uppercase: true))" }
        #expect(mismatches.isEmpty, "\(mismatches.count) scalars differ: \(mismatches.prefix(10).joined(separator: ", "))")
    }

    /// Each Unicode normalization form maps every scalar as the reference does: the same scalars change, to the
    /// same scalars (compared through a digest of all the mappings).
    @Test(arguments: [Normalizer.nfd, .nfkd, .nfc, .nfkc])
    func normalizationFormsMapEveryScalarAsTheReference(form: Normalizer) throws {
        let name = "\(form)".uppercased()
        let table = try unicodeTable()
        var changed = Set<UInt32>()
        for (range, _) in try #require(table["changes " + name]) { changed.formUnion(range) }
        let digest = try #require(table["digest " + name]?.first?.1.first)
        var mapping = ""
        var mismatches: [String] = []
        var scratch: [Unicode.Scalar] = []
        for scalar in Self.scalars {
            var text = [scalar]
            form.normalize(&text, scratch: &scratch)
            let changes = text != [scalar]
            if changes != changed.contains(scalar.value) {
                mismatches.append("U+\(String(scalar.value, radix: 16, uppercase: true))")
            }
            if changes {
                mapping += String(scalar.value, radix: 16, uppercase: true) + ":"
                    + text.map { String($0.value, radix: 16, uppercase: true) }.joined(separator: " ") + "\n"
            }
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) scalars change in one only: \(mismatches.prefix(10).joined(separator: ", "))")
        #expect(try Digest.sha256(mapping) == String(digest), "\(name): the same scalars change, but to different scalars")
    }
}
