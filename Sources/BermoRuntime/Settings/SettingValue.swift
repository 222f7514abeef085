/// A type a setting can hold. Values arrive untyped (a YAML scalar, a JSON value, a command-line word, all
/// read into a `JSONValue`) and are given their type here, so a suite, a stored configuration and the
/// command line accept exactly the same things.
public protocol SettingValue: Sendable, Equatable {
    /// The part of the value a `SettingRule` checks: the value itself, or the wrapped value of an optional
    /// (a rule such as "at least 1" applies when the value is present).
    associatedtype Checked: SettingValue = Self
    /// "an integer", "a list of numbers": how messages name what is expected.
    static var expected: String { get }
    /// An example in YAML, for the fix part of messages.
    static var example: String { get }
    /// The value `json` holds, or nil when it holds something of another type.
    init?(setting json: JSONValue)
    /// The value as JSON: what configurations (hashed into job ids) and result files record.
    var settingJSON: JSONValue { get }
    /// What a rule checks; nil for an absent optional (no rule applies to "not set").
    var checked: Checked? { get }
}

extension SettingValue where Checked == Self {
    public var checked: Self? { self }
}

extension Int: SettingValue {
    public static var expected: String { "an integer" }
    public static var example: String { "3" }
    public init?(setting json: JSONValue) {
        switch json {
        case .int(let i): self = i
        // `3.0` and `1e3` are whole numbers; anything else (3.5, 1e300) is not an integer.
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: self = Int(d)
        default: return nil
        }
    }
    public var settingJSON: JSONValue { .int(self) }
}

extension Double: SettingValue {
    public static var expected: String { "a number" }
    public static var example: String { "0.5" }
    public init?(setting json: JSONValue) {
        switch json {
        case .int(let i): self = Double(i)
        case .double(let d): self = d
        default: return nil
        }
    }
    public var settingJSON: JSONValue { .double(self) }
}

extension Float: SettingValue {
    public static var expected: String { "a number" }
    public static var example: String { "0.5" }
    public init?(setting json: JSONValue) {
        guard let d = Double(setting: json) else { return nil }
        self = Float(d)
    }
    /// Recorded as the shortest decimal that reads back as this Float (`2e-05`, not `1.9999999494757503e-05`).
    public var settingJSON: JSONValue { .double(Double("\(self)") ?? Double(self)) }
}

extension Bool: SettingValue {
    public static var expected: String { "true or false" }
    public static var example: String { "true" }
    public init?(setting json: JSONValue) {
        guard case .bool(let b) = json else { return nil }
        self = b
    }
    public var settingJSON: JSONValue { .bool(self) }
}

extension String: SettingValue {
    public static var expected: String { "a string" }
    public static var example: String { "text" }
    public init?(setting json: JSONValue) {
        guard case .string(let s) = json else { return nil }
        self = s
    }
    public var settingJSON: JSONValue { .string(self) }
}

extension Optional: SettingValue where Wrapped: SettingValue {
    public typealias Checked = Wrapped
    public static var expected: String { Wrapped.expected }
    public static var example: String { Wrapped.example }
    /// `null` is "not set"; anything else must be a `Wrapped`.
    public init?(setting json: JSONValue) {
        if case .null = json { self = .none; return }
        guard let w = Wrapped(setting: json) else { return nil }
        self = .some(w)
    }
    public var settingJSON: JSONValue { self?.settingJSON ?? .null }
    public var checked: Wrapped? { self }
}

extension Array: SettingValue where Element: SettingValue {
    public static var expected: String {
        Element.expected.hasPrefix("one of") ? "a list, each " + Element.expected
            : "a list of " + Element.expected.replacingOccurrences(of: "an ", with: "").replacingOccurrences(of: "a ", with: "") + "s"
    }
    public static var example: String { "[\(Element.example), \(Element.example)]" }
    public init?(setting json: JSONValue) {
        guard case .array(let items) = json else { return nil }
        var out: [Element] = []
        for item in items {
            guard let e = Element(setting: item) else { return nil }
            out.append(e)
        }
        self = out
    }
    public var settingJSON: JSONValue { .array(map(\.settingJSON)) }
}

/// A setting that takes one of a fixed set of words (`lr_scheduler_type: linear`): an enum whose raw
/// values are the words. Conforming is all it takes; messages list the words.
public protocol SettingChoice: SettingValue, CaseIterable, RawRepresentable where RawValue == String {}

extension SettingChoice {
    public static var expected: String { "one of " + allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ") }
    public static var example: String { allCases.first.map(\.rawValue) ?? "" }
    public init?(setting json: JSONValue) {
        guard case .string(let s) = json, let v = Self(rawValue: s) else { return nil }
        self = v
    }
    public var settingJSON: JSONValue { .string(rawValue) }
    /// The words, for "did you mean" suggestions.
    public static var words: [String] { allCases.map(\.rawValue) }
}
