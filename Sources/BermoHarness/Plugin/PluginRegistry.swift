import Foundation

/// The plugins a program knows, by id. The CLI fills it in one place (`Sources/bermo/Plugins.swift`);
/// plugins are constructed on first use, so listing ids or running one task costs nothing for the others.
public final class PluginRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var factories: [String: @Sendable () -> any TaskPlugin] = [:]
    private var instances: [String: any TaskPlugin] = [:]

    public init() {}

    /// Registers `make` under `id`; registering an id twice is a programming error.
    public func register(_ id: String, _ make: @escaping @Sendable () -> any TaskPlugin) {
        lock.withLock {
            precondition(factories[id] == nil, "plugin id \(id) registered twice")
            factories[id] = make
        }
    }

    public var knownIDs: [String] { lock.withLock { factories.keys.sorted() } }

    /// The plugin registered as `id`, constructed on first use.
    public func plugin(_ id: String) throws -> any TaskPlugin {
        try lock.withLock {
            if let plugin = instances[id] { return plugin }
            guard let make = factories[id] else {
                let known = factories.keys.sorted()
                let hint = Suggestions.didYouMean(id, among: known)
                throw HarnessError("unknown plugin `\(id)`" + (hint.isEmpty ? "" : " (\(hint))") + ". Known plugins: "
                    + (known.isEmpty ? "none are registered in this build" : known.joined(separator: ", ")))
            }
            let plugin = make()
            precondition(plugin.id == id, "plugin registered as \(id) reports id \(plugin.id)")
            instances[id] = plugin
            return plugin
        }
    }

    /// `id — summary` lines for every plugin (constructs them all).
    public func listing() -> [String] {
        knownIDs.compactMap { id in (try? plugin(id)).map { "\(id) (v\($0.version)) — \($0.summary)" } }
    }
}
