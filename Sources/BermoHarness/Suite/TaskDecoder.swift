import BermoRuntime
/// Reads `tasks:` from every file (concatenated in merge order), applies `defaults`, and checks the
/// harness's own task keys; everything else is left for the task's plugin to check.
struct TaskDecoder {
    let diagnostics: Diagnostics
    let defaults: [ConfigEntry]

    func decode(layers: [SuiteFileLayer], rootStart: SourceLocation, incomplete: Bool = false) -> [TaskSpec] {
        var tasks: [TaskSpec] = []
        var firstSeen: [String: SourceLocation] = [:]
        var sawTasksKey = false
        for layer in layers {
            guard let entry = layer["tasks"] else { continue }
            sawTasksKey = true
            if case .null = entry.value.kind { continue }
            guard let items = entry.value.items else {
                diagnostics.error(SuiteError(entry.value.location, field: "tasks", "expected a list of tasks, found \(entry.value.kindDescription)",
                                             fix: "write `tasks:` followed by `- task: my-task` entries"))
                continue
            }
            for (i, node) in items.enumerated() {
                guard let task = diagnostics.capture(at: node.location, { try decode(node, index: i) }) else { continue }
                if let first = firstSeen[task.id] {
                    diagnostics.error(SuiteError(node["task"]?.location ?? node.location, field: "tasks[\(task.id)]",
                                                 "duplicate task id `\(task.id)` (first defined at \(first))",
                                                 fix: "task ids must be unique across the suite and its includes; rename one"))
                    continue
                }
                firstSeen[task.id] = node["task"]?.location ?? node.location
                tasks.append(task)
            }
        }
        if !sawTasksKey && !incomplete {
            diagnostics.error(SuiteError(rootStart, field: "tasks", "missing required field `tasks`",
                                         fix: "add `tasks:` with at least one `- task: <id>` and `plugin: <plugin id>`"))
        } else if tasks.isEmpty && diagnostics.errors.isEmpty {
            diagnostics.error(SuiteError(rootStart, field: "tasks", "the suite has no tasks", fix: "add at least one `- task: <id>` entry"))
        }
        return tasks
    }

    func decode(_ node: ConfigNode, index: Int) throws -> TaskSpec {
        let field = "tasks[\(index)]"
        guard let own = node.entries else {
            throw SuiteError(node.location, field: field, "expected a task mapping, found \(node.kindDescription)",
                             fix: "write `- task: my-task` with `plugin:` and parameters indented below it")
        }
        // Task values override defaults; each parameter remembers where it came from for `explain` and messages.
        var entries = own
        var origins: [String: TaskParameters.Origin] = [:]
        for d in defaults {
            if let mine = own.first(where: { $0.key == d.key }) {
                origins[mine.key] = .overridesDefault(d.keyLocation)
            } else {
                entries.append(d)
                origins[d.key] = .defaults
            }
        }
        func entry(_ key: String) -> ConfigEntry? { entries.first { $0.key == key } }

        guard let idNode = entry("task")?.value else {
            let near = own.first { Suggestions.closest(to: $0.key, among: ["task"]) != nil && $0.key != "task" }
            throw SuiteError(near?.keyLocation ?? node.location, field: field, "missing required field `task` (the task's id)"
                                + (near.map { " (`\($0.key)` looks like a misspelling of it)" } ?? ""),
                             fix: "start the entry with `- task: my-task`")
        }
        let id = try String.decode(idNode, field: "\(field).task")
        guard Identifier.isValid(id) else {
            throw SuiteError(idNode.location, field: "\(field).task", "the task id `\(id)` is not usable in file names", fix: Identifier.rule)
        }
        let taskField = "tasks[\(id)]"
        guard let pluginEntry = entry("plugin") else {
            let near = own.first { $0.key != "plugin" && Suggestions.closest(to: $0.key, among: ["plugin"]) != nil }
            throw SuiteError(near?.keyLocation ?? idNode.location, field: "\(taskField).plugin", "missing required field `plugin`"
                                + (near.map { " (`\($0.key)` looks like a misspelling of it)" } ?? ""),
                             fix: "add `plugin: <id>` naming the plugin that runs this task (`bermo validate` lists the known ones)")
        }
        let pluginID = try String.decode(pluginEntry.value, field: "\(taskField).plugin")
        let group = try entry("group").flatMap { try String?.decodeOptional($0.value, field: "\(taskField).group") }
        let metricList = try entry("metric_list").flatMap { try decodeMetricList($0.value, field: "\(taskField).metric_list") }
        var metadata: JSONValue?
        if let m = entry("metadata")?.value {
            guard m.entries != nil || m.kind == .null else {
                throw SuiteError(m.location, field: "\(taskField).metadata", "expected a mapping, found \(m.kindDescription)",
                                 fix: "write e.g. `metadata: {version: 1}`")
            }
            metadata = m.kind == .null ? nil : m.json
        }
        let parameterEntries = entries.filter { !SuiteKeys.task.contains($0.key) }
        let parameters = TaskParameters(taskID: id, pluginID: pluginID, location: idNode.location, entries: parameterEntries,
                                        origins: origins.filter { !SuiteKeys.task.contains($0.key) }, fieldPath: taskField)
        return TaskSpec(id: id, pluginID: pluginID, pluginLocation: pluginEntry.value.location, group: group,
                        metricList: metricList, metadata: metadata, parameters: parameters, location: idNode.location)
    }

    /// lm-evaluation-harness's form, `- metric: accuracy` with optional `higher_is_better`; a bare name is accepted too.
    func decodeMetricList(_ node: ConfigNode, field: String) throws -> [MetricSelection]? {
        if case .null = node.kind { return nil }
        guard let items = node.items else {
            throw SuiteError(node.location, field: field, "expected a list, found \(node.kindDescription)",
                             fix: "write `metric_list:` followed by `- metric: accuracy` lines")
        }
        if items.isEmpty { throw SuiteError(node.location, field: field, "the list is empty", fix: "list at least one metric, or remove `metric_list` to report all") }
        return try items.enumerated().map { i, item in
            let f = "\(field)[\(i)]"
            if case .string(let name) = item.kind { return MetricSelection(name: name, higherIsBetter: nil, location: item.location) }
            guard let entries = item.entries else {
                throw SuiteError(item.location, field: f, "expected `- metric: <name>`, found \(item.kindDescription)", fix: "write `- metric: accuracy`")
            }
            for e in entries where !["metric", "higher_is_better"].contains(e.key) {
                let hint = Suggestions.didYouMean(e.key, among: ["metric", "higher_is_better"])
                throw SuiteError(e.keyLocation, field: "\(f).\(e.key)", "unknown key `\(e.key)`" + (hint.isEmpty ? "" : " (\(hint))"),
                                 fix: "a metric_list entry has `metric` and optionally `higher_is_better`")
            }
            guard let nameNode = item["metric"] else {
                throw SuiteError(item.location, field: "\(f).metric", "missing `metric`", fix: "write `- metric: accuracy`")
            }
            let name = try String.decode(nameNode, field: "\(f).metric")
            let higher = try item["higher_is_better"].map { try Bool.decode($0, field: "\(f).higher_is_better") }
            return MetricSelection(name: name, higherIsBetter: higher, location: nameNode.location)
        }
    }
}
