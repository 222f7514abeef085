import Foundation

/// The parameters of one task as a plugin sees them: the task's own keys with the suite's `defaults`
/// merged in, every value still carrying the file, line and column it was written at.
///
/// Plugins read them with the typed accessors, which throw located `SuiteError`s ("expected an integer,
/// found a string"), and finish with `rejectUnknown(allowed:)`, which catches typos with a suggestion.
public struct TaskParameters: Sendable {
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
    /// The dotted field path of this mapping, e.g. `tasks[sst2]` or `tasks[sst2].optimizer`.
    public let fieldPath: String
    let usage: ParameterUsage

    public init(taskID: String, pluginID: String, location: SourceLocation, entries: [ConfigEntry],
                origins: [String: Origin] = [:], fieldPath: String? = nil) {
        self.init(taskID: taskID, pluginID: pluginID, location: location, entries: entries, origins: origins,
                  fieldPath: fieldPath ?? "tasks[\(taskID)]", usage: ParameterUsage())
    }

    init(taskID: String, pluginID: String, location: SourceLocation, entries: [ConfigEntry],
         origins: [String: Origin], fieldPath: String, usage: ParameterUsage) {
        self.taskID = taskID; self.pluginID = pluginID; self.location = location; self.entries = entries
        self.origins = origins; self.fieldPath = fieldPath; self.usage = usage
    }

    public var keys: [String] { entries.map(\.key) }
    public func contains(_ key: String) -> Bool { entries.contains { $0.key == key } }
    public func node(_ key: String) -> ConfigNode? { entries.first { $0.key == key }?.value }
    public func origin(_ key: String) -> Origin { origins[key] ?? .task }
    public func field(_ key: String) -> String { "\(fieldPath).\(key)" }

    /// The parameters as JSON (what a plugin may hash if it takes them verbatim).
    public var json: JSONValue { .object(Dictionary(entries.map { ($0.key, $0.value.json) }, uniquingKeysWith: { _, b in b })) }

    // MARK: Typed accessors

    /// A required parameter.
    public func value<T: ParameterValue>(_ key: String, as type: T.Type = T.self) throws -> T {
        guard let node = node(key) else {
            throw SuiteError(location, field: field(key), "missing required parameter `\(key)` of plugin `\(pluginID)` (\(T.expected))",
                             fix: "add `\(key): \(T.example)` to task `\(taskID)` or to the suite's `defaults`")
        }
        return try T.decode(node, field: field(key))
    }

    /// An optional parameter with a default (a YAML `null` also means the default).
    public func value<T: ParameterValue>(_ key: String, default fallback: T) throws -> T {
        try optional(key, as: T.self) ?? fallback
    }

    /// An optional parameter; nil when absent or `null`.
    public func optional<T: ParameterValue>(_ key: String, as type: T.Type = T.self) throws -> T? {
        guard let node = node(key) else { return nil }
        if case .null = node.kind { return nil }
        return try T.decode(node, field: field(key))
    }

    public func string(_ key: String) throws -> String { try value(key) }
    public func string(_ key: String, default fallback: String) throws -> String { try value(key, default: fallback) }
    public func int(_ key: String) throws -> Int { try value(key) }
    public func int(_ key: String, default fallback: Int) throws -> Int { try value(key, default: fallback) }
    public func double(_ key: String) throws -> Double { try value(key) }
    public func double(_ key: String, default fallback: Double) throws -> Double { try value(key, default: fallback) }
    public func bool(_ key: String, default fallback: Bool) throws -> Bool { try value(key, default: fallback) }
    public func strings(_ key: String) throws -> [String] { try value(key) }
    public func strings(_ key: String, default fallback: [String]) throws -> [String] { try value(key, default: fallback) }

    /// An integer that must lie in `range`.
    public func int(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int>) throws -> Int {
        let v: Int = try fallback.map { try value(key, default: $0) } ?? value(key)
        guard range.contains(v) else {
            throw SuiteError(node(key)?.location ?? location, field: field(key), "\(v) is out of range",
                             fix: "use an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    /// A number that must lie in `range`.
    public func double(_ key: String, default fallback: Double? = nil, in range: ClosedRange<Double>) throws -> Double {
        let v: Double = try fallback.map { try value(key, default: $0) } ?? value(key)
        guard range.contains(v) else {
            throw SuiteError(node(key)?.location ?? location, field: field(key), "\(v) is out of range",
                             fix: "use a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    /// One of a fixed set of words (e.g. `pooling: cls`).
    public func choice(_ key: String, from allowed: [String], default fallback: String? = nil) throws -> String {
        let v: String = try fallback.map { try value(key, default: $0) } ?? value(key)
        guard allowed.contains(v) else {
            let hint = Suggestions.didYouMean(v, among: allowed)
            throw SuiteError(node(key)?.location ?? location, field: field(key),
                             "`\(v)` is not one of \(allowed.map { "`\($0)`" }.joined(separator: ", "))" + (hint.isEmpty ? "" : " (\(hint))"),
                             fix: "use one of: \(allowed.joined(separator: ", "))")
        }
        return v
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
                              origins: [:], fieldPath: field(key), usage: ParameterUsage())
    }

    /// Throws a located error for every key not in `allowed`, with a "did you mean" suggestion.
    ///
    /// Keys inherited from the suite's `defaults` are exempt: defaults apply to every task and may carry
    /// parameters only some plugins take. The suite checks afterwards that each default is used somewhere.
    public func rejectUnknown(allowed: [String]) throws {
        usage.accept(allowed)
        var errors: [SuiteError] = []
        for entry in entries where !allowed.contains(entry.key) && origin(entry.key) == .task {
            let hint = Suggestions.didYouMean(entry.key, among: allowed)
            errors.append(SuiteError(entry.keyLocation, field: field(entry.key),
                                     "unknown parameter `\(entry.key)` for plugin `\(pluginID)`" + (hint.isEmpty ? "" : " (\(hint))"),
                                     fix: allowed.isEmpty ? "this plugin takes no parameters; remove it"
                                         : "its parameters are: \(allowed.sorted().joined(separator: ", "))"))
        }
        if errors.count == 1 { throw errors[0] }
        if !errors.isEmpty { throw SuiteErrors(errors) }
    }

    /// A located error about `key` (or the task itself), for checks the typed accessors cannot express.
    public func error(_ key: String?, _ message: String, fix: String? = nil) -> SuiteError {
        SuiteError(key.flatMap { node($0)?.location } ?? location, field: key.map(field) ?? fieldPath, message, fix: fix)
    }
}

/// Which keys a plugin declared it accepts, shared by the copies of one task's parameters. Lets the suite
/// find defaults that no plugin uses (typos in `defaults` would otherwise be silently ignored).
final class ParameterUsage: @unchecked Sendable {
    private let lock = NSLock()
    private var allowed: Set<String> = []
    private var checked = false

    func accept(_ keys: [String]) { lock.withLock { allowed.formUnion(keys); checked = true } }

    /// nil when the plugin never called `rejectUnknown` (it may use any key).
    var acceptedKeys: Set<String>? { lock.withLock { checked ? allowed : nil } }
}
