import Foundation

/// A value of a JSON file read from a user, with the file and the field it stands at, so that every complaint
/// about it names both (`…/tokenizer.json: model.vocab['hello']: the id is -3; …`).
///
/// For files whose structure is checked field by field (`tokenizer.json`, `vocab.json`) rather than decoded into
/// one `Decodable` type: such files nest components of many kinds, and a wrong value deep inside must still be
/// reported where it is, not as a decoder's coding path.
struct JSONField {
    let value: JSONValue
    /// Where the value stands: `model.vocab['hello']`, `added_tokens[3].content`; empty for the whole file.
    let path: String
    /// The file, as messages name it.
    let file: String

    /// Reads and parses `url` (UTF-8 and NUL bytes located by `TextFile`; keys twice in an object refused, as in
    /// every JSON file bermo reads). `unreadableFix` says where the file comes from.
    static func read(_ url: URL, unreadableFix: String) throws -> JSONField {
        let text = try TextFile(contentsOf: url.path, unreadableFix: unreadableFix)
        if text.startsWithByteOrderMark {
            throw RuntimeError("\(url.path): the file starts with a UTF-8 byte-order mark, which JSON does not allow (the "
                + "Hugging Face libraries refuse to read it); remove the first three bytes, or download the file again")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(text.bytes)
        } catch {
            if let duplicate = error.duplicate { throw RuntimeError(JSONDuplicateKeys.message(duplicate, file: url.path)) }
            throw RuntimeError("\(url.path):\(error.line):\(error.column): \(error.problem), so it is not valid JSON; "
                + "download the file again")
        }
        return JSONField(value: value, path: "", file: url.path)
    }

    /// The message for a bad value here: `file: path: problem; fix`.
    func error(_ problem: String, fix: String) -> RuntimeError {
        RuntimeError("\(file): \(path.isEmpty ? "" : path + ": ")\(problem); \(fix)")
    }

    var isNull: Bool { value == .null }

    /// The member `key` of this object, or nil when absent (an error when this is not an object).
    func member(_ key: String) throws -> JSONField? {
        guard case .object(let members) = value else { throw wrongType("an object") }
        return members[key].map { JSONField(value: $0, path: path.isEmpty ? key : path + "." + key, file: file) }
    }

    /// The member `key`, which must be there.
    func required(_ key: String) throws -> JSONField {
        guard let field = try member(key) else {
            throw error("the field \(VisibleText.quoted(key)) is missing", fix: "the file is incomplete; download it again")
        }
        return field
    }

    /// The members in key order (JSON objects have no order bermo could rely on).
    func members() throws -> [(key: String, field: JSONField)] {
        guard case .object(let members) = value else { throw wrongType("an object") }
        return members.keys.sorted().map { key in
            (key, JSONField(value: members[key]!, path: path + "[\(VisibleText.quoted(key))]", file: file))
        }
    }

    func elements() throws -> [JSONField] {
        guard case .array(let elements) = value else { throw wrongType("a list") }
        return elements.enumerated().map { JSONField(value: $1, path: path + "[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard case .string(let text) = value else { throw wrongType("a string") }
        return text
    }

    func bool() throws -> Bool {
        guard case .bool(let flag) = value else { throw wrongType("true or false") }
        return flag
    }

    /// A whole number in `range`.
    func int(in range: ClosedRange<Int>) throws -> Int {
        guard case .int(let number) = value else { throw wrongType("a whole number") }
        guard range.contains(number) else {
            throw error("\(number) is out of range (\(range.lowerBound) to \(range.upperBound))",
                        fix: "the file is damaged or was edited by hand; download it again")
        }
        return number
    }

    /// A token id: a whole number from 0 that fits the Int32 ids the model reads.
    func id() throws -> Int32 { Int32(try int(in: 0...Int(Int32.max))) }

    private func wrongType(_ expected: String) -> RuntimeError {
        let found: String
        switch value {
        case .null: found = "null"
        case .bool(let flag): found = "\(flag)"
        case .int(let number): found = "the number \(number)"
        case .double(let number): found = "the number \(number)"
        case .string(let text): found = "the string \(VisibleText.quoted(text))"
        case .array: found = "a list"
        case .object: found = "an object"
        }
        return error("expected \(expected), found \(found)", fix: "the file is damaged or was edited by hand; download it again")
    }
}
