/// Keys that appear twice in one JSON object. JSON allows them but readers disagree on which one counts:
/// Python's `json` (so transformers and safetensors' Python side) and `JSONSerialization` keep the last,
/// Foundation's `JSONDecoder` keeps the first. A `config.json` with `"hidden_size"` twice would therefore
/// describe one model to PyTorch and another to bermo, silently; every JSON file bermo reads from a user
/// is checked first and such a file is refused with the key and its line.
public enum JSONDuplicateKeys {
    public struct Duplicate: Equatable, Sendable {
        /// The repeated key, unescaped.
        public var key: String
        /// The enclosing keys from the top (`""` for the top-level object), e.g. `"id2label"`, `"added_tokens[]"`.
        public var object: String
        /// 1-based line of the second occurrence.
        public var line: Int
    }

    /// The first repeated key, scanning in file order. Meant for text a JSON parser has already accepted:
    /// on malformed text it returns whatever it found so far and never reads out of bounds. (`JSONParser` finds
    /// repeated keys itself while it builds its objects; this scan serves the files Foundation decodes.)
    public static func first(in text: some Collection<UInt8>) -> Duplicate? {
        let bytes = Array(text)
        var stack: [Container] = []
        var line = 1
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let parent = stack.last
                let path = parent.map { child(of: $0.path, key: $0.isArray ? nil : $0.lastKey) } ?? ""
                stack.append(Container(path: path, isArray: bytes[i] == UInt8(ascii: "[")))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if !stack.isEmpty { stack.removeLast() }
            // The open object is changed in place: a copy of it would copy its set of keys, which makes an object
            // of n keys (a 50,000-token vocabulary) cost n² instead of n.
            case UInt8(ascii: ","):
                if let top = stack.indices.last, !stack[top].isArray { stack[top].expectingKey = true }
            case UInt8(ascii: "\""):
                let (string, end) = readString(bytes, from: i + 1)
                i = end
                if let top = stack.indices.last, !stack[top].isArray, stack[top].expectingKey {
                    if stack[top].keys.contains(string) { return Duplicate(key: string, object: stack[top].path, line: line) }
                    stack[top].keys.insert(string); stack[top].expectingKey = false; stack[top].lastKey = string
                }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// An open object or list while scanning: its path, and for an object its keys so far and whether the next
    /// string is a key.
    struct Container {
        var path: String
        var isArray: Bool
        var keys: Set<String> = []
        var expectingKey = true
        var lastKey = ""
    }

    /// The path of a value inside the container at `parentPath`: `parent.key` in an object, `parent[]` in a list
    /// (`key` nil). Both readers name objects this way (`added_tokens[]`, `model.vocab`).
    static func child(of parentPath: String, key: String?) -> String {
        guard let key else { return parentPath + "[]" }
        return parentPath.isEmpty ? key : parentPath + "." + key
    }

    /// The message for a refused file: what, where, why it matters and the fix.
    public static func message(_ d: Duplicate, file: String) -> String {
        let place = d.object.isEmpty ? "the top-level object" : "object \"\(d.object)\""
        return "\(file):\(d.line): key \(VisibleText.quoted(d.key)) appears twice in \(place); JSON readers "
            + "disagree on which value counts (Python keeps the last, others the first), so the file is ambiguous — "
            + "delete one of the two"
    }

    /// Throws `RuntimeError` with `message` when `text` repeats a key.
    public static func check(_ text: some Collection<UInt8>, file: String) throws {
        if let d = first(in: text) { throw RuntimeError(message(d, file: file)) }
    }

    /// A JSON string body from `start` (just after the opening quote): its unescaped value and the index of the
    /// closing quote (or the end).
    static func readString(_ b: [UInt8], from start: Int) -> (String, Int) {
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        var i = start
        var pendingHigh: UInt32?
        func flushRaw() {
            if !raw.isEmpty { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
        }
        while i < b.count, b[i] != UInt8(ascii: "\"") {
            guard b[i] == UInt8(ascii: "\\"), i + 1 < b.count else { raw.append(b[i]); i += 1; continue }
            flushRaw()
            let e = b[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "u"):
                guard i + 4 <= b.count, let unit = UInt32(String(decoding: b[i..<(i + 4)], as: UTF8.self), radix: 16) else { continue }
                i += 4
                if (0xD800..<0xDC00).contains(unit) { pendingHigh = unit; continue }
                if (0xDC00..<0xE000).contains(unit), let high = pendingHigh {
                    pendingHigh = nil
                    if let s = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)) { scalars.append(s) }
                    continue
                }
                if let s = Unicode.Scalar(unit) { scalars.append(s) } else { scalars.append("\u{FFFD}") }
            default: scalars.append(Unicode.Scalar(e))
            }
            if e != UInt8(ascii: "u") { pendingHigh = nil }
        }
        flushRaw()
        return (String(scalars), i)
    }
}
