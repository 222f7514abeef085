/// YAML 1.1's patterns for implicit integers and floats (regular expressions in the spec, and in Yams's
/// resolver), matched by hand: one pass over the bytes, no regex engine, so even a megabyte-long
/// scalar is typed in linear time.
///
/// int:   `[-+]?(0b[0-1_]+ | 0o?[0-7_]+ | 0 | [1-9][0-9_]* | 0x[0-9a-fA-F_]+ | [1-9][0-9_]*(:[0-5]?[0-9])+)`
/// float: `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)?
///        | [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
///
/// A prefixed integer needs a digit after its prefix (`0x_` is not a number; Yams failed on it).
enum YAMLNumberPattern {
    static func isInteger(_ bytes: [UInt8]) -> Bool {
        var c = Cursor(bytes)
        _ = c.take(isSign)
        if c.take("0x") { return c.digits(isHex) > 0 && c.atEnd }
        if c.take("0b") { return c.digits(isBinary) > 0 && c.atEnd }
        if c.take("0o") { return c.digits(isOctal) > 0 && c.atEnd }
        if c.take("0") { _ = c.digits(isOctal); return c.atEnd }  // `0`, and octal `017`
        guard c.take({ $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) else { return false }
        _ = c.digits(isDecimal)
        while c.take(":") {
            guard c.sexagesimalGroup() else { return false }
        }
        return c.atEnd
    }

    static func isFloat(_ bytes: [UInt8]) -> Bool {
        var c = Cursor(bytes)
        if c.take(".nan") || c.take(".NaN") || c.take(".NAN") { return c.atEnd }
        let signed = c.take(isSign)
        if c.take(".inf") || c.take(".Inf") || c.take(".INF") { return c.atEnd }
        if c.take(".") {  // `.5`, `.5e+3`: no sign, and the exponent's sign is required
            guard !signed, c.digits(isDecimal) > 0 else { return false }
            if c.atEnd { return true }
            return c.take({ $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) && c.take(isSign)
                && c.run(isDecimal) > 0 && c.atEnd
        }
        guard c.take(isDecimal) else { return false }
        _ = c.digits(isDecimal)
        if c.next == UInt8(ascii: ":") {  // `1:30.5`: base 60, and the dot is required
            while c.take(":") {
                guard c.sexagesimalGroup() else { return false }
            }
            guard c.take(".") else { return false }
            _ = c.digits(isDecimal)
            return c.atEnd
        }
        if c.take(".") { _ = c.digits(isDecimal) }
        if c.take({ $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            _ = c.take(isSign)
            guard c.run(isDecimal) > 0 else { return false }
        }
        return c.atEnd
    }

    static func isSign(_ b: UInt8) -> Bool { b == UInt8(ascii: "-") || b == UInt8(ascii: "+") }
    static func isDecimal(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    static func isOctal(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "7") }
    static func isBinary(_ b: UInt8) -> Bool { b == UInt8(ascii: "0") || b == UInt8(ascii: "1") }
    static func isHex(_ b: UInt8) -> Bool {
        isDecimal(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
    }

    /// A position in a scalar's bytes; every `take` moves past what it matched and only that.
    struct Cursor {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }
        var next: UInt8? { position < bytes.count ? bytes[position] : nil }

        /// One byte in `set`.
        mutating func take(_ set: (UInt8) -> Bool) -> Bool {
            guard let b = next, set(b) else { return false }
            position += 1
            return true
        }

        mutating func take(_ literal: StaticString) -> Bool {
            let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            guard bytes.count - position >= text.count, bytes[position..<(position + text.count)].elementsEqual(text) else {
                return false
            }
            position += text.count
            return true
        }

        /// Bytes in `set`, as many as there are; returns how many.
        mutating func run(_ set: (UInt8) -> Bool) -> Int {
            let start = position
            while take(set) {}
            return position - start
        }

        /// Bytes in `set` or `_` (a digit separator), as many as there are; returns how many were digits.
        mutating func digits(_ set: (UInt8) -> Bool) -> Int {
            var count = 0
            while let b = next, set(b) || b == UInt8(ascii: "_") {
                if b != UInt8(ascii: "_") { count += 1 }
                position += 1
            }
            return count
        }

        /// `[0-5]?[0-9]`, one base-60 digit after a `:`.
        mutating func sexagesimalGroup() -> Bool {
            guard let first = next, YAMLNumberPattern.isDecimal(first) else { return false }
            position += 1
            if first <= UInt8(ascii: "5"), let second = next, YAMLNumberPattern.isDecimal(second) { position += 1 }
            return true
        }
    }
}
