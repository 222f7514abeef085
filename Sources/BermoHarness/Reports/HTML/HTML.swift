import Foundation

/// Markup for `report.html`, built only from escaped text and code-defined tags: every value read from a file
/// (suite names, task ids, error messages, metric names: suites and results are untrusted) goes through
/// `HTML(text:)`, so none can open a tag, close an attribute or start a script. The one way in for markup
/// that is not escaped here is `trusted`, for the stylesheet and `SVGLineChart`'s output (which escapes its
/// own text).
public struct HTML: Sendable, Equatable {
    public private(set) var markup: String

    /// Text shown as is: `&`, `<`, `>`, quotes escaped, control characters dropped.
    public init(text: String) { markup = XML.escape(text) }

    init(trusted markup: String) { self.markup = markup }

    static let empty = HTML(trusted: "")

    /// `<name attributes…>children</name>`; an attribute whose value is nil is left out. Attribute names come
    /// from code; `data` keys (`data-<key>`) are reduced to letters, digits and `-`.
    static func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], data: [String: String] = [:],
                        _ children: [HTML] = []) -> HTML {
        var open = "<\(name)"
        for (key, value) in attributes { if let value { open += " \(key)=\"\(XML.escape(value))\"" } }
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            let safe = String(key.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            if !safe.isEmpty { open += " data-\(safe)=\"\(XML.escape(value))\"" }
        }
        return HTML(trusted: open + ">" + children.map(\.markup).joined() + "</\(name)>")
    }

    /// An element without attributes.
    static func element(_ name: StaticString, _ children: [HTML]) -> HTML { element(name, [:], data: [:], children) }

    /// An element holding one text.
    static func element(_ name: StaticString, _ attributes: KeyValuePairs<StaticString, String?> = [:], data: [String: String] = [:],
                        text: String) -> HTML {
        element(name, attributes, data: data, [HTML(text: text)])
    }

    static func + (a: HTML, b: HTML) -> HTML { HTML(trusted: a.markup + b.markup) }

    static func join(_ parts: [HTML]) -> HTML { HTML(trusted: parts.map(\.markup).joined()) }
}
