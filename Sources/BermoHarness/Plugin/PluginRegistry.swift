import BermoBench
import Foundation
import Synchronization

/// The plugins a program knows, by id. The CLI fills it in one place (`Sources/bermo/Plugins.swift`);
/// plugins are constructed on first use, so listing ids or running one task costs nothing for the others.
public final class PluginRegistry: Sendable {
    private struct State {
        var factories: [String: @Sendable () -> any TaskPlugin] = [:]
        var instances: [String: any TaskPlugin] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// Registers `make` under `id`; registering an id twice is a programming error.
    public func register(_ id: String, _ make: @escaping @Sendable () -> any TaskPlugin) {
        state.withLock { s in
            // Registration is code (Sources/BermoPlugins/Plugins.swift), never input: a clash is a programmer error.
            precondition(s.factories[id] == nil, "plugin id \(id) registered twice")
            s.factories[id] = make
        }
    }

    public var knownIDs: [String] { state.withLock { $0.factories.keys.sorted() } }

    /// The plugin registered as `id`, constructed on first use.
    public func plugin(_ id: String) throws -> any TaskPlugin {
        try state.withLock { s in
            if let plugin = s.instances[id] { return plugin }
            guard let make = s.factories[id] else {
                let known = s.factories.keys.sorted()
                let hint = Suggestions.didYouMean(id, among: known)
                throw HarnessError("unknown plugin `\(id)`" + (hint.isEmpty ? "" : " (\(hint))") + ". Known plugins: "
                    + (known.isEmpty ? "none are registered in this build" : known.joined(separator: ", ")))
            }
            let plugin = make()
            // A programmer error in the registration line, unreachable from input.
            precondition(plugin.id == id, "plugin registered as \(id) reports id \(plugin.id)")
            s.instances[id] = plugin
            return plugin
        }
    }

    /// `id — summary` lines for every plugin (constructs them all).
    public func listing() -> [String] {
        knownIDs.compactMap { id in (try? plugin(id)).map { "\(id) (v\($0.version)) — \($0.summary)" } }
    }

    /// Every plugin, constructed.
    public var plugins: [any TaskPlugin] { knownIDs.compactMap { try? plugin($0) } }

    /// Every cross-job report: the harness's own (`html`, `comparisons`, `power`) and every plugin's, by name (a
    /// name offered twice is a programming error).
    public var reports: [any RunReport] {
        Self.unique([HTMLRunReport(registry: self), ComparisonsReport(), SeedPowerReport()] + plugins.flatMap(\.reports), what: "report") { $0.name }
    }

    /// What every plugin adds to the HTML report.
    public var reportSections: [any ReportSectionProvider] { plugins.flatMap(\.reportSections) }

    /// Every plugin's datasets, by name.
    public var datasets: [any DatasetFetcher] { Self.unique(plugins.flatMap(\.datasets), what: "dataset") { $0.name } }

    /// Every benchmark: the runtime's own (BermoBench's), the harness's (`leases`) and every plugin's, by name.
    public var benchmarks: [any Benchmark] {
        Self.unique(RuntimeBenchmarks.all + [LeaseBenchmark()] + plugins.flatMap(\.benchmarks), what: "benchmark") { $0.name }
    }

    /// The report called `name`, or an error listing the known ones.
    public func report(_ name: String) throws -> any RunReport {
        try Self.lookup(name, in: reports, what: "report", name: \.name)
    }

    /// The dataset called `name`, or an error listing the known ones.
    public func dataset(_ name: String) throws -> any DatasetFetcher {
        try Self.lookup(name, in: datasets, what: "dataset", name: \.name)
    }

    /// The benchmark called `name`, or an error listing the known ones.
    public func benchmark(_ name: String) throws -> any Benchmark {
        try Self.lookup(name, in: benchmarks, what: "benchmark", name: \.name)
    }

    static func unique<T>(_ items: [T], what: String, name: (T) -> String) -> [T] {
        var seen: Set<String> = []
        // Plugins' reports, datasets and benchmarks are declared in code: a clash is a programmer error.
        for item in items { precondition(seen.insert(name(item)).inserted, "two plugins offer the \(what) `\(name(item))`") }
        return items
    }

    static func lookup<T>(_ wanted: String, in items: [T], what: String, name: (T) -> String) throws -> T {
        if let found = items.first(where: { name($0) == wanted }) { return found }
        let known = items.map(name).sorted()
        let hint = Suggestions.didYouMean(wanted, among: known)
        throw HarnessError("unknown \(what) `\(wanted)`" + (hint.isEmpty ? "" : " (\(hint))") + "; known: "
            + (known.isEmpty ? "none" : known.joined(separator: ", ")))
    }
}
