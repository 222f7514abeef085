import Foundation

/// A task whose plugin checked and resolved its parameters.
public struct PreparedTaskEntry: Sendable {
    public let spec: TaskSpec
    public let plugin: any TaskPlugin
    public let prepared: any PreparedTask
    /// The metrics reported: the plugin's, narrowed and re-directed by the suite's `metric_list`.
    public let metrics: [MetricDeclaration]
    public var id: String { spec.id }
}

/// A suite whose every task was prepared by its plugin: ready to be expanded into jobs.
public struct PreparedSuite: Sendable {
    public let suite: Suite
    public let tasks: [PreparedTaskEntry]
    public let dataDirectory: URL
    public let dataDirectorySource: String
}

/// Prepares each task with its plugin, collecting located errors: unknown plugins (with the known ids),
/// parameter errors from the plugin, `metric_list` entries the plugin does not report, unused defaults.
public struct SuitePreparer {
    public let registry: PluginRegistry
    public let dataDirectory: URL
    /// How the data directory was chosen (`--data-dir`, `$BERMO_DATA`, default), for messages.
    public let dataDirectorySource: String

    public init(registry: PluginRegistry, dataDirectory: URL, dataDirectorySource: String = "--data-dir") {
        self.registry = registry; self.dataDirectory = dataDirectory; self.dataDirectorySource = dataDirectorySource
    }

    public func prepare(_ suite: Suite) throws -> PreparedSuite {
        let diagnostics = Diagnostics()
        let prepared = prepare(suite, diagnostics: diagnostics)
        try diagnostics.throwIfErrors()
        return prepared
    }

    public func prepare(_ suite: Suite, diagnostics: Diagnostics) -> PreparedSuite {
        var entries: [PreparedTaskEntry] = []
        for task in suite.tasks {
            let plugin: any TaskPlugin
            do { plugin = try registry.plugin(task.pluginID) } catch {
                let known = registry.knownIDs
                let hint = Suggestions.didYouMean(task.pluginID, among: known)
                diagnostics.error(SuiteError(task.pluginLocation, field: "tasks[\(task.id)].plugin",
                                             "unknown plugin `\(task.pluginID)`" + (hint.isEmpty ? "" : " (\(hint))"),
                                             fix: known.isEmpty ? "this build registers no plugins" : "known plugins: \(known.joined(separator: ", "))"))
                continue
            }
            let context = PrepareContext(taskID: task.id, dataDirectory: dataDirectory, dataDirectorySource: dataDirectorySource,
                                         suiteFile: task.location.file)
            guard let preparedTask = diagnostics.capture(at: task.location, { try plugin.prepare(task.parameters, context: context) }),
                  let metrics = diagnostics.capture(at: task.location, { try selectMetrics(task, declared: preparedTask.metrics, plugin: plugin.id) })
            else { continue }
            entries.append(PreparedTaskEntry(spec: task, plugin: plugin, prepared: preparedTask, metrics: metrics))
        }
        checkDefaultsUsed(suite, diagnostics: diagnostics)
        return PreparedSuite(suite: suite, tasks: entries, dataDirectory: dataDirectory, dataDirectorySource: dataDirectorySource)
    }

    func selectMetrics(_ task: TaskSpec, declared: [MetricDeclaration], plugin: String) throws -> [MetricDeclaration] {
        guard let list = task.metricList else { return declared }
        var errors: [SuiteError] = []
        var selected: [MetricDeclaration] = []
        for m in list {
            guard let d = declared.first(where: { $0.name == m.name }) else {
                let hint = Suggestions.didYouMean(m.name, among: declared.map(\.name))
                errors.append(SuiteError(m.location, field: "tasks[\(task.id)].metric_list", "plugin `\(plugin)` does not report `\(m.name)`"
                                            + (hint.isEmpty ? "" : " (\(hint))"),
                                         fix: "it reports: \(declared.map(\.name).joined(separator: ", "))"))
                continue
            }
            selected.append(MetricDeclaration(d.name, higherIsBetter: m.higherIsBetter ?? d.higherIsBetter))
        }
        if !errors.isEmpty { throw SuiteErrors(errors) }
        return selected
    }

    /// A default no task's plugin accepts is almost always a typo (`epocs`), which would otherwise be ignored.
    func checkDefaultsUsed(_ suite: Suite, diagnostics: Diagnostics) {
        var accepted: Set<String> = Set(SuiteKeys.task)
        var anyOpen = false
        for task in suite.tasks {
            if let keys = task.parameters.usage.acceptedKeys { accepted.formUnion(keys) } else { anyOpen = true }
        }
        guard !anyOpen, !suite.tasks.isEmpty else { return }
        for d in suite.defaults where !accepted.contains(d.key) {
            let hint = Suggestions.didYouMean(d.key, among: accepted.sorted())
            diagnostics.error(SuiteError(d.keyLocation, field: "defaults.\(d.key)", "no task's plugin takes the parameter `\(d.key)`"
                                            + (hint.isEmpty ? "" : " (\(hint))"),
                                         fix: "remove it, or fix its spelling"))
        }
    }
}
