import Foundation

/// Number formatting shared by every report, so the same value reads the same everywhere.
public enum Format {
    /// Four significant decimals for typical 0–1 metrics, more digits for small or large values.
    public static func number(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let a = abs(x)
        if a != 0 && (a < 1e-3 || a >= 1e6) { return String(format: "%.3e", x) }
        return String(format: "%.4f", x)
    }

    public static func signed(_ x: Double) -> String { (x >= 0 ? "+" : "") + number(x) }

    /// A duration as a clock: `3:12`, `1:02:03`.
    public static func duration(_ seconds: Double) -> String {
        let t = Int(max(0, seconds).rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }

    /// `0.8123 ± 0.0040 (n=3)`, or `0.8123 (n=1)` when the std is undefined.
    public static func meanStd(_ a: Aggregate) -> String {
        a.std.map { "\(number(a.mean)) ± \(number($0)) (n=\(a.n))" } ?? "\(number(a.mean)) (n=\(a.n))"
    }
}

enum Markdown {
    /// Escapes the characters that would break a table cell.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

enum XML {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // XML 1.0 forbids most control characters even escaped; drop them.
            case _ where c.value < 0x20 && c != "\n" && c != "\t" && c != "\r": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
