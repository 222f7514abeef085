import BermoRuntime
import Foundation

/// A YAML value with the location it was written at: the harness's own copy of libyaml's node tree.
///
/// Suites are merged (includes, defaults) before they are checked; keeping the location on every node
/// lets an error about an inherited value point at the file and line it came from.
public struct ConfigNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case sequence([ConfigNode])
        case mapping([ConfigEntry])
    }

    public var kind: Kind
    public var location: SourceLocation
    /// The scalar exactly as written (`2e-5`, `yes`, `"3"`), for messages; empty for lists and mappings.
    public var text: String

    public init(_ kind: Kind, at location: SourceLocation, text: String = "") {
        self.kind = kind; self.location = location; self.text = text
    }

    /// The entries of a mapping, or nil.
    public var entries: [ConfigEntry]? { if case .mapping(let e) = kind { e } else { nil } }
    /// The items of a list, or nil.
    public var items: [ConfigNode]? { if case .sequence(let s) = kind { s } else { nil } }
    public var string: String? { if case .string(let s) = kind { s } else { nil } }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> ConfigNode? { entries?.first { $0.key == key }?.value }

    /// "a string ("fast")", "a list", …: how a value is described when it has the wrong type.
    public var kindDescription: String {
        switch kind {
        case .null: "nothing (null)"
        case .bool: "a boolean (\(text))"
        case .int: "an integer (\(text))"
        case .double: "a number (\(text))"
        case .string(let s): "a string (\"\(s.count > 40 ? s.prefix(40) + "…" : Substring(s))\")"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The value as JSON (mappings keep their last value per key; YAML rejects duplicates anyway).
    public var json: JSONValue {
        switch kind {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .double(let d): .double(d)
        case .string(let s): .string(s)
        case .sequence(let items): .array(items.map(\.json))
        case .mapping(let entries): .object(Dictionary(entries.map { ($0.key, $0.value.json) }, uniquingKeysWith: { _, b in b }))
        }
    }

    /// A one-line YAML flow rendering, for `bermo explain`.
    public var flowText: String {
        switch kind {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double: text.isEmpty ? "\(json)" : text
        case .string(let s):
            s.isEmpty || s.contains(where: { ":#{}[],&*!|>'\"%@`\n".contains($0) }) || s != s.trimmingCharacters(in: .whitespaces)
                ? JSONValue.string(s).canonical : s
        case .sequence(let items): "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        case .mapping(let entries): "{" + entries.map { "\($0.key): \($0.value.flowText)" }.joined(separator: ", ") + "}"
        }
    }
}

/// One `key: value` pair of a mapping, with where the key was written.
public struct ConfigEntry: Sendable, Equatable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: ConfigNode

    public init(key: String, keyLocation: SourceLocation, value: ConfigNode) {
        self.key = key; self.keyLocation = keyLocation; self.value = value
    }
}
