/// One setting of a `Settings` struct, declared once beside the property: its key (snake_case, as suites,
/// the command line and result files write it), its default (the property's initial value), the values it
/// accepts and a line of help.
///
/// ```swift
/// @Setting("max_seq_length", .in(2...512), help: "Tokens per sequence, [CLS] and [SEP] included.")
/// public var maxSeqLength = 128
/// ```
///
/// Reading a suite, a command line or a stored configuration goes through `Settings.decode(from:)`, which
/// finds the declarations by reflection (as swift-argument-parser finds its options), so nothing restates them.
@propertyWrapper
public struct Setting<Value: SettingValue>: Sendable, Equatable {
    public var wrappedValue: Value
    public let key: String
    public let rule: SettingRule<Value.Checked>
    public let help: String
    /// Must be written (there is no meaningful default).
    public let required: Bool
    /// False for settings that change how a job runs but not what it computes (saving checkpoints): they stay
    /// out of the configuration hashed into job ids.
    public let changesResults: Bool

    public init(wrappedValue: Value, _ key: String, _ rule: SettingRule<Value.Checked> = .any, required: Bool = false,
                changesResults: Bool = true, help: String) {
        self.wrappedValue = wrappedValue; self.key = key; self.rule = rule; self.help = help
        self.required = required; self.changesResults = changesResults
    }

    /// Two settings are equal when their values are: the declaration is the same for every instance.
    public static func == (a: Self, b: Self) -> Bool { a.wrappedValue == b.wrappedValue }

    /// Why the current value breaks `rule` ("0 is out of range"), or nil (an absent optional always passes).
    var violation: String? { wrappedValue.checked.flatMap(rule.violation) }
}

/// A nested mapping of settings, e.g. `dev_split: {eval_fraction: 0.2, seed: 0}` or `pruning: {...}`.
/// Optional groups (`GLUEDevSplit?`) are absent unless written; required ones must be written.
@propertyWrapper
public struct SettingGroup<Value: SettingsGroupValue>: Sendable, Equatable {
    public var wrappedValue: Value
    public let key: String
    public let help: String
    public let required: Bool

    public init(wrappedValue: Value, _ key: String, required: Bool = false, help: String) {
        self.wrappedValue = wrappedValue; self.key = key; self.help = help; self.required = required
    }

    public static func == (a: Self, b: Self) -> Bool { a.wrappedValue == b.wrappedValue }
}

/// Settings of another struct written at this level, without a nested mapping: a GLUE task writes the
/// shared fine-tuning settings (`learning_rate`, …) beside its own (`glue_task`).
@propertyWrapper
public struct InlineSettings<Value: Settings>: Sendable, Equatable {
    public var wrappedValue: Value
    public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }
}

/// What a `SettingGroup` may hold: a `Settings` struct, or an optional one.
public protocol SettingsGroupValue: Sendable, Equatable {
    associatedtype Group: Settings
    var group: Group? { get }
    init(group: Group?)
}

extension Optional: SettingsGroupValue where Wrapped: Settings {
    public var group: Wrapped? { self }
    public init(group: Wrapped?) { self = group }
}

extension JSONValue {
    /// A value as messages show it: `3`, `0.5`, `"fast"`, `[1, 2]`.
    public var shortText: String {
        switch self {
        case .string(let s): return "`\(s)`"
        case .double(let d): return "\(d)"
        default: return canonical
        }
    }
}
