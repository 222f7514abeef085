import BermoRuntime
import Foundation

/// A minimal valid suite for one plugin: one task with the keys the plugin needs. `with(_:_:)` writes it
/// with one setting replaced (inside its group mapping for a grouped key such as `pruning.final_threshold`)
/// and says on which line and columns the value was written, where its error must point.
struct SuiteTemplate: Sendable {
    let taskID: String
    /// The keys of the task (after `task:` and `plugin:`); an `.object` value is a group mapping.
    let keys: [(String, JSONValue)]

    /// Templates for every registered plugin; a plugin without one fails the range test.
    static let byPlugin: [String: SuiteTemplate] = [
        "glue.finetune": SuiteTemplate(taskID: "sst2", keys: [("max_steps", 8)]),
        "glue.prune": SuiteTemplate(taskID: "sst2", keys: [("max_steps", 8), ("warmup_steps", 1),
                                                          ("pruning", ["method": "movement", "final_threshold": 0.5])]),
        "senteval.probe": SuiteTemplate(taskID: "tense", keys: [("probe_task", "Tense")]),
        "senteval.control": SuiteTemplate(taskID: "tense", keys: [("probe_task", "Tense")]),
    ]

    struct Written {
        let yaml: String
        /// 1-based line of the replaced value and the columns its text spans (0 and empty for none).
        let line: Int
        let columns: ClosedRange<Int>
    }

    /// The template as it is: a valid suite.
    func valid(plugin: String) -> String { render(nil, plugin: plugin).yaml }

    /// The suite with `value` at `path + [key]` (the template's own value replaced when it has one).
    func with(_ path: [String], _ key: String, _ value: JSONValue, plugin: String) -> Written {
        render((path.first, key, value), plugin: plugin)
    }

    private func render(_ replacement: (group: String?, key: String, value: JSONValue)?, plugin: String) -> Written {
        var lines = ["suite: ranges", "model: minilm-l6", "tasks:", "  - task: \(taskID)", "    plugin: \(plugin)"]
        var target = (line: 0, columns: 0...0)
        func emit(_ key: String, _ value: JSONValue, indent: String, isTarget: Bool = false) {
            let text = Self.yaml(value)
            lines.append("\(indent)\(key): \(text)")
            if isTarget { target = (lines.count, (indent.count + key.count + 3)...(indent.count + key.count + 2 + max(text.count, 1))) }
        }
        func emitGroup(_ name: String, _ entries: [String: JSONValue]) {
            lines.append("    \(name):")
            for (k, v) in entries.sorted(by: { $0.key < $1.key }) { emit(k, v, indent: "      ", isTarget: k == replacement?.key && name == replacement?.group) }
        }
        var placed = false
        for (k, v) in keys {
            if case .object(var inner) = v {
                if let r = replacement, r.group == k { inner[r.key] = r.value; placed = true }
                emitGroup(k, inner)
            } else if let r = replacement, r.group == nil, r.key == k {
                emit(k, r.value, indent: "    ", isTarget: true); placed = true
            } else {
                emit(k, v, indent: "    ")
            }
        }
        if let r = replacement, !placed {
            if let group = r.group { emitGroup(group, [r.key: r.value]) } else { emit(r.key, r.value, indent: "    ", isTarget: true) }
        }
        return Written(yaml: lines.joined(separator: "\n") + "\n", line: target.line, columns: target.columns)
    }

    /// A value as YAML reads it back: JSON is YAML's flow style (`[]`, `"text"`, `1.001`, `-1`).
    static func yaml(_ value: JSONValue) -> String { value.canonical }
}
