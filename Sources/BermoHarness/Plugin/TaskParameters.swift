import BermoRuntime
import Foundation
import Synchronization

/// The parameters of one task as a plugin sees them: the task's own keys with the suite's `defaults`
/// merged in, every value still carrying the file, line and column it was written at.
///
/// A plugin declares its parameters as a `Settings` struct; the harness decodes it from these (they are a
/// `SettingsSource`), so every error is located ("expected an integer, found a string", "0 is out of
/// range", unknown keys with a suggestion). The command line builds the same from its options
/// (`commandLine(...)`), so suites and commands accept exactly the same values with the same messages.
public struct TaskParameters: Sendable, SettingsSource {
    /// Where a parameter's value came from.
    public enum Origin: Sendable, Equatable {
        case task
        /// Inherited from the suite's `defaults:` (written at `location`).
        case defaults
        /// Set on the task, replacing a default written at `location`.
        case overridesDefault(SourceLocation)
    }

    public let taskID: String
    public let pluginID: String
    /// Where the task (or nested mapping) starts: missing-parameter errors point here.
    public let location: SourceLocation
    public let entries: [ConfigEntry]
    public let origins: [String: Origin]
    /// The dotted field path of this mapping, e.g. `tasks[sst2]` or `tasks[sst2].optimizer`; for the
    /// command line, the command (`bermo finetune`), whose fields are named as options (`--learning-rate`).
    public let fieldPath: String
    /// Values given as command-line options rather than written in a suite.
    public let isCommandLine: Bool
    let usage: ParameterUsage

    public init(taskID: String, pluginID: String, location: SourceLocation, entries: [ConfigEntry],
                origins: [String: Origin] = [:], fieldPath: String? = nil) {
        self.init(taskID: taskID, pluginID: pluginID, location: location, entries: entries, origins: origins,
                  fieldPath: fieldPath ?? "tasks[\(taskID)]", isCommandLine: false, usage: ParameterUsage())
    }

    init(taskID: String, pluginID: String, location: SourceLocation, entries: [ConfigEntry],
         origins: [String: Origin], fieldPath: String, isCommandLine: Bool, usage: ParameterUsage) {
        self.taskID = taskID; self.pluginID = pluginID; self.location = location; self.entries = entries
        self.origins = origins; self.fieldPath = fieldPath; self.isCommandLine = isCommandLine; self.usage = usage
    }

    /// Options of `command` (`--max-seq-length 64` already split into `max_seq_length` → `64`), located by
    /// their position on the command line.
    public static func commandLine(_ command: String, entries: [ConfigEntry]) -> TaskParameters {
        TaskParameters(taskID: command, pluginID: command, location: SourceLocation.commandLine(argument: 0),
                       entries: entries, origins: [:], fieldPath: command, isCommandLine: true, usage: ParameterUsage())
    }

    public var keys: [String] { entries.map(\.key) }
    public func contains(_ key: String) -> Bool { entries.contains { $0.key == key } }
    public func node(_ key: String) -> ConfigNode? { entries.first { $0.key == key }?.value }
    public func origin(_ key: String) -> Origin { origins[key] ?? .task }
    public func field(_ key: String) -> String {
        isCommandLine ? "--" + key.replacingOccurrences(of: "_", with: "-") : "\(fieldPath).\(key)"
    }

    /// The parameters as JSON (what a plugin may hash if it takes them verbatim).
    public var json: JSONValue { .object(Dictionary(entries.map { ($0.key, $0.value.json) }, uniquingKeysWith: { _, b in b })) }

    // MARK: Typed accessors

    /// A required parameter.
    public func value<T: SettingValue>(_ key: String, as type: T.Type = T.self) throws -> T {
        guard let node = node(key) else {
            throw missing(key, expected: T.expected, example: T.example)
        }
        return try T.decode(node, field: field(key))
    }

    /// An optional parameter with a default (a YAML `null` also means the default).
    public func value<T: SettingValue>(_ key: String, default fallback: T) throws -> T {
        try optional(key, as: T.self) ?? fallback
    }

    /// An optional parameter; nil when absent or `null`.
    public func optional<T: SettingValue>(_ key: String, as type: T.Type = T.self) throws -> T? {
        guard let node = node(key) else { return nil }
        if case .null = node.kind { return nil }
        return try T.decode(node, field: field(key))
    }

    /// A path, resolved against the directory of the file that declared it (so an inherited default
    /// resolves against the file that wrote it).
    public func path(_ key: String) throws -> URL? {
        guard let node = node(key), let text = try optional(key, as: String.self) else { return nil }
        let expanded = (text as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL }
        return node.location.directory.appendingPathComponent(expanded).standardizedFileURL
    }

    /// A nested mapping (e.g. `optimizer: {lr: 2e-5}`) as its own parameters, with the same accessors.
    public func nested(_ key: String) throws -> TaskParameters? {
        guard let node = node(key) else { return nil }
        if case .null = node.kind { return nil }
        guard let entries = node.entries else {
            throw SuiteError(node.location, field: field(key), "expected a mapping, found \(node.kindDescription)",
                             fix: "write `\(key):` followed by indented `name: value` lines")
        }
        return TaskParameters(taskID: taskID, pluginID: pluginID, location: node.location, entries: entries,
                              origins: [:], fieldPath: field(key), isCommandLine: isCommandLine, usage: ParameterUsage())
    }

    /// Throws a located error for every key not in `allowed`, with a "did you mean" suggestion.
    ///
    /// Keys inherited from the suite's `defaults` are exempt: defaults apply to every task and may carry
    /// parameters only some plugins take. The suite checks afterwards that each default is used somewhere.
    public func rejectUnknown(allowed: [String]) throws {
        usage.accept(allowed)
        var errors: [SuiteError] = []
        for entry in entries where !allowed.contains(entry.key) && origin(entry.key) == .task {
            let suggestion = Suggestions.closest(to: entry.key, among: allowed).map { isCommandLine ? field($0) : $0 }
            let names = isCommandLine ? allowed.map(field) : allowed
            let word = isCommandLine ? field(entry.key) : entry.key
            errors.append(SuiteError(entry.keyLocation, field: field(entry.key),
                                     (isCommandLine ? "unknown option `\(word)` of `\(pluginID)`" : "unknown parameter `\(word)` for plugin `\(pluginID)`")
                                        + (suggestion.map { " (did you mean `\($0)`?)" } ?? ""),
                                     fix: allowed.isEmpty ? "this takes no parameters; remove it"
                                         : (isCommandLine ? "its options are: " : "its parameters are: ") + names.sorted().joined(separator: ", ")))
        }
        if errors.count == 1 { throw errors[0] }
        if !errors.isEmpty { throw SuiteErrors(errors) }
    }

    /// A located error about `key` (or the task itself), for checks the typed accessors cannot express.
    /// A dotted key (`pruning.final_warmup`) is located inside its nested mapping.
    public func error(_ key: String?, _ message: String, fix: String? = nil) -> SuiteError {
        guard let key else { return SuiteError(location, field: fieldPath, message, fix: fix) }
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let inner = try? nested(parts[0]) { return inner.error(parts[1], message, fix: fix) }
        return SuiteError(node(key)?.location ?? location, field: field(key), message, fix: fix)
    }
}

extension TaskParameters {
    // MARK: SettingsSource

    public func read<V: SettingValue>(_ key: String, as type: V.Type) throws -> V? {
        // A path is resolved against the file that wrote it (an inherited default, an include).
        if V.self == SettingPath.self || V.self == SettingPath?.self, let node = node(key), case .string(let s) = node.kind, !s.isEmpty {
            return SettingPath(s, relativeTo: isCommandLine ? nil : node.location.directory) as? V
        }
        // On the command line a list is written as comma-separated words.
        if isCommandLine, V.Checked.self is any SettingList.Type, let node = node(key), node.items == nil {
            if case .null = node.kind { return nil }
            return try V.decode(node.commaSeparatedList(), field: field(key))
        }
        return try optional(key, as: V.self)
    }

    public func group(_ key: String) throws -> (any SettingsSource)? { try nested(key) }

    public func rejectUnknown(_ known: [String]) throws { try rejectUnknown(allowed: known) }

    public func locatedError(_ key: String?, _ message: String, fix: String?) -> any Error { error(key, message, fix: fix) as SuiteError }

    public func wrote(_ key: String) -> Bool { contains(key) && origin(key) != .defaults }

    func missing(_ key: String, expected: String, example: String) -> SuiteError {
        isCommandLine
            ? SuiteError(location, field: field(key), "missing required option `\(field(key))` (\(expected))", fix: "add `\(field(key)) \(example)`")
            : SuiteError(location, field: field(key), "missing required parameter `\(key)` of plugin `\(pluginID)` (\(expected))",
                         fix: "add `\(key): \(example)` to task `\(taskID)` or to the suite's `defaults`")
    }
}

/// Which keys a plugin declared it accepts, shared by the copies of one task's parameters. Lets the suite
/// find defaults that no plugin uses (typos in `defaults` would otherwise be silently ignored).
final class ParameterUsage: Sendable {
    /// nil until the plugin calls `rejectUnknown`.
    private let allowed = Mutex<Set<String>?>(nil)

    func accept(_ keys: [String]) { allowed.withLock { $0 = ($0 ?? []).union(keys) } }

    /// nil when the plugin never called `rejectUnknown` (it may use any key).
    var acceptedKeys: Set<String>? { allowed.withLock { $0 } }
}
