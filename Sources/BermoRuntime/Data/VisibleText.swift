/// A value read from a user's file, as an error message shows it: quoted, shortened, and with the
/// characters a terminal does not show named, so `'tr'` that is really a byte-order mark followed by `tr`
/// (a file joined from two with `cat`) reads `'<byte-order mark U+FEFF>tr'` instead of a baffling `'tr'`.
public enum VisibleText {
    /// `value` in single quotes, at most `limit` characters of it (then "…"), invisible characters named.
    public static func quoted(_ value: some StringProtocol, limit: Int = 60) -> String {
        var text = ""
        for (count, scalar) in value.unicodeScalars.enumerated() {
            if count == limit { text += "…"; break }
            text += shown(scalar)
        }
        return "'\(text)'"
    }

    /// Whether `value` holds a character a terminal does not show (which `quoted` names).
    public static func hasInvisible(_ value: some StringProtocol) -> Bool {
        value.unicodeScalars.contains { shown($0) != String($0) }
    }

    static func shown(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\u{FEFF}": return "<byte-order mark U+FEFF>"
        case "\t": return "<tab>"
        case "\r": return "<carriage return>"
        case "\n": return "<line feed>"
        case "\u{A0}": return "<no-break space U+00A0>"
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "<U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)>"
            default:
                return String(scalar)
            }
        }
    }
}
