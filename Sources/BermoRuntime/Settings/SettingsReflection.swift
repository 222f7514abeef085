/// How `Settings` finds its declarations: by reflecting over a value (a prototype holding the defaults),
/// the way swift-argument-parser finds `@Option`s. The property wrappers are recognised through the small
/// type-erased protocols below; anything else is a plain stored property, not a setting.
enum SettingsMember {
    case setting(any AnySetting)
    case group(any AnySettingGroup)
    case inline(any AnyInlineSettings)
    case plain(label: String, value: Any)
}

enum SettingsReflection {
    /// The stored properties of `value` in declaration order, with the property names the synthesized
    /// `Decodable` conformance uses as coding keys (a wrapped property's storage is `_name`).
    static func members(of value: Any) -> [SettingsMember] {
        Mirror(reflecting: value).children.map { child in
            switch child.value {
            case let s as any AnySetting: .setting(s)
            case let g as any AnySettingGroup: .group(g)
            case let i as any AnyInlineSettings: .inline(i)
            default: .plain(label: child.label ?? "", value: child.value)
            }
        }
    }

    /// The member behind the coding key `name` (a property name).
    static func member(_ name: String, of value: Any) -> Any? {
        Mirror(reflecting: value).children.first { $0.label == name || $0.label == "_" + name }?.value
    }
}

protocol AnySetting: Sendable {
    var key: String { get }
    var changesResults: Bool { get }
    var accepted: String { get }
    /// Why the current value breaks the rule, or nil.
    var violation: String? { get }
    var json: JSONValue { get }
    func declaration(path: [String]) -> SettingDeclaration
    /// This setting holding the value `source` has for it (itself when absent), checked against its rule.
    func reading(from source: any SettingsSource) throws -> Any
}

protocol AnySettingGroup: Sendable {
    var key: String { get }
    func json(resultsOnly: Bool) -> JSONValue
    /// The group's current value, or its defaults when absent: where its declarations are read from.
    var prototypeGroup: any Settings { get }
    func reading(from source: any SettingsSource) throws -> Any
}

protocol AnyInlineSettings: Sendable {
    var inlined: any Settings { get }
    func reading(from source: any SettingsSource) throws -> Any
}

extension Setting: AnySetting {
    var json: JSONValue { wrappedValue.settingJSON }
    var accepted: String { rule.accepted }

    func declaration(path: [String]) -> SettingDeclaration {
        SettingDeclaration(key: key, path: path, expected: Value.expected, accepted: rule.accepted,
                           defaultValue: wrappedValue.settingJSON, help: help, required: required,
                           changesResults: changesResults, counterexamples: rule.counterexamples,
                           isNumber: Value.Checked.self is any SettingNumber.Type
                               || Value.Checked.self == [Double].self || Value.Checked.self == [Float].self
                               || Value.Checked.self == [Int].self)
    }

    func reading(from source: any SettingsSource) throws -> Any {
        var copy = self
        if let value = try source.read(key, as: Value.self) {
            copy.wrappedValue = value
        } else if required {
            throw source.locatedError(key, "missing required setting `\(key)` (\(Value.expected))", fix: "add `\(key): \(Value.example)`")
        }
        if let problem = copy.violation { throw source.locatedError(key, problem, fix: "use \(rule.accepted)") }
        return copy
    }
}

extension SettingGroup: AnySettingGroup {
    func json(resultsOnly: Bool) -> JSONValue { wrappedValue.group?.settingsJSON(resultsOnly: resultsOnly) ?? .null }

    var prototypeGroup: any Settings { wrappedValue.group ?? Value.Group() }

    func reading(from source: any SettingsSource) throws -> Any {
        var copy = self
        if let nested = try source.group(key) {
            copy.wrappedValue = Value(group: try Value.Group.decode(from: nested, defaults: wrappedValue.group ?? Value.Group()))
        } else if required {
            throw source.locatedError(key, "missing required setting `\(key)` (a mapping)", fix: "add `\(key): {…}` with its settings")
        }
        return copy
    }
}

extension InlineSettings: AnyInlineSettings {
    var inlined: any Settings { wrappedValue }

    func reading(from source: any SettingsSource) throws -> Any {
        var copy = self
        copy.wrappedValue = try SettingsDecoder.decode(Value.self, from: source, prototype: wrappedValue)
        do { try copy.wrappedValue.check() } catch let e as SettingError { throw source.locatedError(e.key, e.message, fix: e.fix) }
        return copy
    }
}
