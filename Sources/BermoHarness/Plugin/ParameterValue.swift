import Foundation

/// A type a task parameter can be read as. Conformances say what they expect, so a wrong value gets
/// "expected an integer, found a string ("3")" with the location of the value.
public protocol ParameterValue: Sendable {
    /// "an integer", "a list of strings": used in messages.
    static var expected: String { get }
    /// An example value in YAML, for the fix part of messages.
    static var example: String { get }
    /// Decodes `node`, throwing a located `SuiteError` that names `field` when it has the wrong type.
    static func decode(_ node: ConfigNode, field: String) throws -> Self
}

extension ParameterValue {
    static func mismatch(_ node: ConfigNode, field: String, hint: String? = nil) -> SuiteError {
        SuiteError(node.location, field: field, "expected \(expected), found \(node.kindDescription)",
                   fix: hint ?? (field.hasSuffix("]") ? "write \(expected), e.g. `\(example)`"
                       : "write e.g. `\(field.split(separator: ".").last.map(String.init) ?? field): \(example)`"))
    }
}

extension String: ParameterValue {
    public static var expected: String { "a string" }
    public static var example: String { "text" }
    public static func decode(_ node: ConfigNode, field: String) throws -> String {
        if case .string(let s) = node.kind { return s }
        switch node.kind {
        case .bool, .int, .double:
            // YAML 1.1 reads `no`, `on`, `1.0` as booleans and numbers; quoting keeps them text.
            throw mismatch(node, field: field, hint: "quote it to make it text: `\"\(node.text)\"`")
        default: throw mismatch(node, field: field)
        }
    }
}

extension Int: ParameterValue {
    public static var expected: String { "an integer" }
    public static var example: String { "3" }
    public static func decode(_ node: ConfigNode, field: String) throws -> Int {
        switch node.kind {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        case .string(let s) where Int(s) != nil:
            throw mismatch(node, field: field, hint: "remove the quotes: `\(s)`")
        default: throw mismatch(node, field: field)
        }
    }
}

extension Double: ParameterValue {
    public static var expected: String { "a number" }
    public static var example: String { "0.5" }
    public static func decode(_ node: ConfigNode, field: String) throws -> Double {
        switch node.kind {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s) where Double(s) != nil:
            throw mismatch(node, field: field, hint: "remove the quotes: `\(s)`")
        default: throw mismatch(node, field: field)
        }
    }
}

extension Float: ParameterValue {
    public static var expected: String { "a number" }
    public static var example: String { "0.5" }
    public static func decode(_ node: ConfigNode, field: String) throws -> Float {
        Float(try Double.decode(node, field: field))
    }
}

extension Bool: ParameterValue {
    public static var expected: String { "true or false" }
    public static var example: String { "true" }
    public static func decode(_ node: ConfigNode, field: String) throws -> Bool {
        if case .bool(let b) = node.kind { return b }
        throw mismatch(node, field: field)
    }
}

extension Array: ParameterValue where Element: ParameterValue {
    public static var expected: String { "a list of \(Element.expected.replacingOccurrences(of: "an ", with: "").replacingOccurrences(of: "a ", with: ""))s" }
    public static var example: String { "[\(Element.example), \(Element.example)]" }
    public static func decode(_ node: ConfigNode, field: String) throws -> [Element] {
        guard let items = node.items else {
            // A single value where a list is expected is a common slip; say so rather than guess.
            throw mismatch(node, field: field, hint: "write a list, e.g. `[\(node.text.isEmpty ? Element.example : node.text)]`")
        }
        return try items.enumerated().map { try Element.decode($1, field: "\(field)[\($0)]") }
    }
}
