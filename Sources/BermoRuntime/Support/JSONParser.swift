/// A strict JSON parser (RFC 8259) from UTF-8 bytes to `JSONValue`, for large files read field by field
/// (`tokenizer.json`, `vocab.json`).
///
/// Foundation offers two readers, and neither serves here: `JSONSerialization` drops a U+FEFF at the start of a
/// string (a real token in vocabularies trained on text with byte-order marks), and `JSONDecoder` into
/// `JSONValue` must guess each value's type by trying, which makes a 50,000-entry vocabulary slow. This parser
/// reads each value once, keeps every string exactly, tells integers (no fraction, no exponent) from other
/// numbers, and reports a syntax error, or a key repeated in one object, with its line and column.
struct JSONParser {
    struct Failure: Error, Equatable {
        /// 1-based, columns counted in bytes.
        let line: Int
        let column: Int
        let problem: String
        /// Set when the text is valid JSON but an object repeats a key (which readers resolve differently).
        var duplicate: JSONDuplicateKeys.Duplicate? = nil
    }

    private let bytes: [UInt8]
    private var index = 0
    /// The keys leading to the value being read (nil: an element of a list), to name an object whose key repeats.
    private var path: [String?] = []

    /// Parses `bytes`, which must hold exactly one JSON value (with whitespace around it).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Deeper nesting is refused rather than risking the stack on a hostile file.
    private static let maximumDepth = 512

    private func failure(_ problem: String) -> Failure {
        var line = 1, lineStart = 0
        for position in 0..<min(index, bytes.count) where bytes[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        return Failure(line: line, column: index - lineStart + 1, problem: problem)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nested more than \(Self.maximumDepth) levels deep") }
        guard index < bytes.count else { throw failure("the text ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character where a value should be")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count,
              (0..<length).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] }) else {
            throw failure("unexpected character where a value should be")
        }
        index += length
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if opensEmpty(closing: UInt8(ascii: "}")) { return .object(members) }
        repeat {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key (a string)") }
            let keyStart = index
            let key = try string()
            if members[key] != nil {
                index = keyStart
                var repeated = failure("key \(VisibleText.quoted(key)) appears twice in one object")
                repeated.duplicate = JSONDuplicateKeys.Duplicate(
                    key: key, object: path.reduce("") { JSONDuplicateKeys.child(of: $0, key: $1) }, line: repeated.line)
                throw repeated
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after the key") }
            index += 1
            skipWhitespace()
            path.append(key)
            members[key] = try value(depth: depth + 1)
            path.removeLast()
        } while try !closesAfterElement(UInt8(ascii: "}"), in: "an object")
        return .object(members)
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        var elements: [JSONValue] = []
        if opensEmpty(closing: UInt8(ascii: "]")) { return .array(elements) }
        path.append(nil)
        repeat {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
        } while try !closesAfterElement(UInt8(ascii: "]"), in: "a list")
        path.removeLast()
        return .array(elements)
    }

    /// Consumes an opening bracket (and `closing` right after it): whether the object or list is empty.
    private mutating func opensEmpty(closing: UInt8) -> Bool {
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == closing else { return false }
        index += 1
        return true
    }

    /// After an element: consumes `closing` (true, the end) or a comma (false, another element follows).
    private mutating func closesAfterElement(_ closing: UInt8, in what: String) throws(Failure) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw failure("the text ends inside \(what)") }
        if bytes[index] == closing {
            index += 1
            return true
        }
        guard bytes[index] == UInt8(ascii: ",") else {
            throw failure("expected ',' or '\(Character(Unicode.Scalar(closing)))' in \(what)")
        }
        index += 1
        return false
    }

    /// A string from its opening quote; escapes decoded, a `\u` surrogate pair joined, a lone surrogate refused
    /// (it is no Unicode scalar, and the tokenizers library refuses it too).
    private mutating func string() throws(Failure) -> String {
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("the text ends inside a string") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw failure("the text ends inside a string") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var value = try hexUnit()
                    if (0xD800..<0xDC00).contains(value) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw failure("a lone surrogate \\u escape (no Unicode character)")
                        }
                        index += 2
                        let low = try hexUnit()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate \\u escape (no Unicode character)") }
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(value) else { throw failure("a lone surrogate \\u escape (no Unicode character)") }
                    UTF8.encode(scalar) { utf8.append($0) }
                default:
                    index -= 1
                    throw failure("an unknown escape in a string")
                }
            case 0..<0x20:
                throw failure("a control character inside a string (JSON needs it escaped)")
            default:
                utf8.append(byte)
                index += 1
            }
        }
    }

    private mutating func hexUnit() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("the text ends inside a \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: an integer when it has neither fraction nor
    /// exponent and fits `Int`, a `Double` otherwise.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        guard digits() > 0 else { throw failure("a number needs digits") }
        if bytes[integerStart] == UInt8(ascii: "0"), index - integerStart > 1 {
            index = integerStart
            throw failure("a number cannot start with 0")
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            guard digits() > 0 else { throw failure("a number needs digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            isInteger = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("a number needs digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        return .double(Double(text) ?? .nan)
    }
}
