/// A struct of `@Setting`s: a plugin's task parameters, the shared fine-tuning settings, a command's options.
///
/// Conforming types declare their settings with `@Setting`, `@SettingGroup` and `@InlineSettings` and
/// get, without restating a key anywhere: decoding with located errors and unknown-key checks from any
/// `SettingsSource` (a suite task, the command line, a stored configuration), range checks, the resolved
/// values as JSON (the configuration hashed into job ids), and declarations for help texts and tests.
/// Stored properties without a wrapper are not settings: decoding keeps their value from the prototype.
public protocol Settings: SettingsGroupValue, Decodable where Group == Self {
    /// The defaults: every setting at its declared initial value.
    init()
    /// Checks that involve several settings (each setting's own rule is checked as it is read). Throw
    /// `SettingError`s naming the key to fix.
    func check() throws
}

extension Settings {
    public func check() throws {}
    public var group: Self? { self }
    public init(group: Self?) { self = group ?? Self() }
}

/// A problem with one setting (or several, `key` nil), found by `Settings.check()`. The source it was read
/// from turns it into a located error (file:line:column for a suite, the option for the command line).
public struct SettingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var key: String?
    public var message: String
    public var fix: String?
    public init(_ key: String?, _ message: String, fix: String? = nil) { self.key = key; self.message = message; self.fix = fix }
    public var description: String { (key.map { "`\($0)`: " } ?? "") + message + (fix.map { "; \($0)" } ?? "") }
}

/// Where settings are read from. Each source locates its own errors: a suite by file, line and column, the
/// command line by option, a stored configuration by file and key.
public protocol SettingsSource {
    /// The value written for `key` as a `V`; nil when absent or `null`. Throws a located error when the
    /// value has another type.
    func read<V: SettingValue>(_ key: String, as type: V.Type) throws -> V?
    /// The mapping written for `key`; nil when absent or `null`. Throws when it is not a mapping.
    func group(_ key: String) throws -> (any SettingsSource)?
    /// Throws a located error for every key written here that is not in `known`.
    func rejectUnknown(_ known: [String]) throws
    /// A located error about `key` (nil: the mapping as a whole).
    func locatedError(_ key: String?, _ message: String, fix: String?) -> any Error
    /// Whether `key` was written here by the user (not inherited from shared defaults): "only applies to
    /// protocol finetune" is worth saying about the former only.
    func wrote(_ key: String) -> Bool
}

extension Settings {
    /// Reads every setting from `source`, starting from `prototype`'s values (the declared defaults, or a
    /// caller's own defaults such as the probe's fine-tuning protocol), then runs `check()`.
    public static func decode(from source: any SettingsSource, defaults prototype: Self = Self()) throws -> Self {
        try source.rejectUnknown(prototype.settingKeys)
        let value = try SettingsDecoder.decode(Self.self, from: source, prototype: prototype)
        do { try value.check() } catch let e as SettingError { throw source.locatedError(e.key, e.message, fix: e.fix) }
        return value
    }

    /// The keys written at this level: settings, groups and the keys of inlined settings.
    public var settingKeys: [String] {
        SettingsReflection.members(of: self).flatMap { member -> [String] in
            switch member {
            case .setting(let s): [s.key]
            case .group(let g): [g.key]
            case .inline(let i): i.inlined.settingKeys
            case .plain: []
            }
        }
    }

    /// Every setting's value as JSON (groups nested, inlined settings merged in), keyed as written.
    /// With `resultsOnly`, settings that do not change results are left out: that is a task's configuration,
    /// hashed into job ids, so it is derived from the decoded value and never assembled by hand.
    public func settingsJSON(resultsOnly: Bool = false) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for member in SettingsReflection.members(of: self) {
            switch member {
            case .setting(let s) where !resultsOnly || s.changesResults: out[s.key] = s.json
            case .group(let g): out[g.key] = g.json(resultsOnly: resultsOnly)
            case .inline(let i):
                if case .object(let o) = i.inlined.settingsJSON(resultsOnly: resultsOnly) { out.merge(o) { a, _ in a } }
            default: break
            }
        }
        return .object(out)
    }

    /// The declarations of every setting (groups' settings with their `path`), in declaration order.
    public static func declarations(defaults prototype: Self = Self()) -> [SettingDeclaration] {
        prototype.declarations(path: [])
    }

    func declarations(path: [String]) -> [SettingDeclaration] {
        SettingsReflection.members(of: self).flatMap { member -> [SettingDeclaration] in
            switch member {
            case .setting(let s): [s.declaration(path: path)]
            case .group(let g): g.prototypeGroup.declarations(path: path + [g.key])
            case .inline(let i): i.inlined.declarations(path: path)
            case .plain: []
            }
        }
    }
}

/// One declared setting, for help texts, documentation and the tests that feed every setting a bad value.
public struct SettingDeclaration: Sendable, Equatable {
    public let key: String
    /// The group mappings it sits in (`["pruning"]` for `pruning.final_threshold`).
    public let path: [String]
    /// "an integer", "one of `linear`, `constant`".
    public let expected: String
    /// "an integer in 2...512".
    public let accepted: String
    public let defaultValue: JSONValue
    public let help: String
    public let required: Bool
    public let changesResults: Bool
    /// Values the setting's rule rejects.
    public let counterexamples: [JSONValue]
    /// Whether the value is a number (every number must declare the range it accepts).
    public let isNumber: Bool

    public var dottedKey: String { (path + [key]).joined(separator: ".") }
}

extension Settings {
    /// Checks every setting against its rule and then `check()`: for values built in code (a benchmark,
    /// a test, a caller's overrides) rather than read from a source, which checks as it reads.
    public func validate() throws {
        for member in SettingsReflection.members(of: self) {
            switch member {
            case .setting(let s):
                if let problem = s.violation { throw SettingError(s.key, problem, fix: "use \(s.accepted)") }
            case .group(let g): try g.prototypeGroup.validate()
            case .inline(let i): try i.inlined.validate()
            case .plain: break
            }
        }
        try check()
    }
}
