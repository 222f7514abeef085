/// Settings read from JSON: files bermo wrote itself (a job's stored configuration, a checkpoint's state),
/// and a model's config.json (`BertConfig`). Errors name the file and the key; bermo's own files are not
/// meant to be edited, so a mismatch there usually means the file comes from another version of bermo.
public struct JSONSettingsSource: SettingsSource {
    public let object: [String: JSONValue]
    /// The file (and mapping) the JSON came from, for messages.
    public let origin: String
    /// Whether keys no setting declares are ignored rather than refused: a Hugging Face config.json carries
    /// many fields bermo does not read (`architectures`, `id2label`, `torch_dtype`, …).
    public var ignoresUnknownKeys = false
    /// The fix given with errors that bring none of their own (a value of the wrong type).
    public var defaultFix: String?

    public init(_ json: JSONValue, origin: String) throws {
        guard case .object(let o) = json else { throw RuntimeError("\(origin): expected a JSON object of settings") }
        object = o; self.origin = origin
    }

    public func read<V: SettingValue>(_ key: String, as type: V.Type) throws -> V? {
        guard let json = object[key], json != .null else { return nil }
        guard let v = V(setting: json) else { throw locatedError(key, "expected \(V.expected), found \(json.shortText)", fix: nil) }
        return v
    }

    public func group(_ key: String) throws -> (any SettingsSource)? {
        guard let json = object[key], json != .null else { return nil }
        var nested = try JSONSettingsSource(json, origin: "\(origin): `\(key)`")
        nested.ignoresUnknownKeys = ignoresUnknownKeys
        nested.defaultFix = defaultFix
        return nested
    }

    public func rejectUnknown(_ known: [String]) throws {
        if ignoresUnknownKeys { return }
        let unknown = object.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw locatedError(nil, "unknown setting(s) \(unknown.map { "`\($0)`" }.joined(separator: ", "))",
                        fix: "the file was probably written by another version of bermo")
        }
    }

    public func locatedError(_ key: String?, _ message: String, fix: String?) -> any Error {
        RuntimeError("\(origin): " + SettingError(key, message, fix: fix ?? defaultFix).description)
    }

    public func wrote(_ key: String) -> Bool { object[key] != nil }
}
