/// What a plain scalar (written without quotes or tag) means: YAML 1.1's implicit types, as Yams's
/// default resolver read them when bermo parsed suites with Yams, so existing suites keep their meaning.
/// Quoted scalars never come here: they are strings. Public so that the command line reads option
/// values exactly as suites read them.
///
/// | type  | written |
/// |-------|---------|
/// | bool  | `yes` `no` `true` `false` `on` `off`, each lowercase, Capitalised or UPPERCASE (not `y`/`n`) |
/// | int   | `42` `-7` `+7` `1_000` `0x1F` `0o17` `017` (octal) `0b101` `1:30` (base 60: 90) |
/// | float | `2e-5` `2.0e-5` `1.` `.5` `6.02E+23` `1:30.5` `.inf` `-.inf` `.nan` (also `.Inf`, `.NAN`, …), `08` |
/// | null  | `~` `null` `Null` `NULL` and nothing at all |
///
/// Everything else is a string, dates included, and so is `-.5` (the pattern allows no sign before a
/// bare dot). Two corner cases differ from Yams, which failed on them: `-0` and `+0` are 0, and a
/// prefix without digits (`0x_`) is a string.
public enum YAMLScalar {
    /// An integer outside `Int`'s range (64 bits).
    public struct IntegerTooLarge: Error, Sendable, Equatable {
        public let text: String
    }

    public static func resolve(_ text: String) throws(IntegerTooLarge) -> ConfigNode.Kind {
        if let bool = booleans[text] { return .bool(bool) }
        let bytes = Array(text.utf8)
        if YAMLNumberPattern.isInteger(bytes) {
            guard let value = integer(text) else { throw IntegerTooLarge(text: text) }
            return .int(value)
        }
        if YAMLNumberPattern.isFloat(bytes) { return float(text).map { .double($0) } ?? .string(text) }
        if nulls.contains(text) { return .null }
        return .string(text)
    }

    static let booleans: [String: Bool] = [
        "yes": true, "Yes": true, "YES": true, "true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true,
        "no": false, "No": false, "NO": false, "false": false, "False": false, "FALSE": false, "off": false, "Off": false, "OFF": false,
    ]

    static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The value of text that `YAMLNumberPattern.isInteger` accepts, or nil when it does not fit.
    static func integer(_ text: String) -> Int? {
        var digits = Substring(text.filter { $0 != "_" })
        let sign = digits.first == "-" ? "-" : ""
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        if digits.contains(":") {
            var value = 0
            for part in digits.split(separator: ":") {
                guard let part = Int(part) else { return nil }
                let (shifted, o1) = value.multipliedReportingOverflow(by: 60)
                let (sum, o2) = shifted.addingReportingOverflow(part)
                if o1 || o2 { return nil }
                value = sum
            }
            return sign.isEmpty ? value : -value
        }
        let radix: Int
        switch digits.prefix(2) {
        case "0x": radix = 16; digits = digits.dropFirst(2)
        case "0b": radix = 2; digits = digits.dropFirst(2)
        case "0o": radix = 8; digits = digits.dropFirst(2)
        default:
            radix = digits.count > 1 && digits.first == "0" ? 8 : 10
            if radix == 8 { digits = digits.dropFirst() }
        }
        return Int(sign + digits, radix: radix)
    }

    /// The value of text that `YAMLNumberPattern.isFloat` accepts, or nil when Swift cannot read it.
    static func float(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        var digits = Substring(text.filter { $0 != "_" })
        guard digits.contains(":") else { return Double(digits) }
        let negative = digits.first == "-"
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        var value = 0.0
        for part in digits.split(separator: ":") {
            guard let part = Double(part) else { return nil }
            value = value * 60 + part
        }
        return negative ? -value : value
    }
}
