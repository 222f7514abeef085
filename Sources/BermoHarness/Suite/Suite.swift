import BermoRuntime
import Foundation

/// A suite after its includes were merged and every field checked: what to evaluate (models × variants ×
/// tasks × seeds), where results go, and what they are compared against.
public struct Suite: Sendable {
    public var name: String
    public var description: String?
    /// The file the suite was loaded from, as the user named it.
    public var file: String
    /// Every file that contributed (the root first, then includes in the order they were read).
    public var files: [String]
    public var models: [ModelSpec]
    public var variants: [Variant]
    public var seeds: [Int]
    /// `defaults:` after merging; already applied to every task's parameters.
    public var defaults: [ConfigEntry]
    public var tasks: [TaskSpec]
    public var outputDirectory: URL?
    public var baseline: URL?
    public var tolerance: TolerancePolicy
    /// The pairs `compare:` declares; nil when it is absent.
    public var compare: [VariantPair]?

    /// The pairs whose per-seed differences results report: the declared ones, else each variant against `bert`.
    public var comparedPairs: [VariantPair] { compare ?? VariantPair.defaults(variants: variants.map(\.name)) }

    /// The resolved suite as JSON: what `hash` is computed from and what results record.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "suite": .string(name),
            "description": description.map(JSONValue.string) ?? .null,
            "models": .array(models.map { .string($0.name) }),
            "variants": .array(variants.map(\.json)),
            "seeds": .array(seeds.map { .int($0) }),
            "tasks": .array(tasks.map { task in
                .object([
                    "task": .string(task.id), "plugin": .string(task.pluginID),
                    "group": task.group.map(JSONValue.string) ?? .null,
                    "metric_list": task.metricList.map { .array($0.map { m in
                        .object(["metric": .string(m.name), "higher_is_better": m.higherIsBetter.map(JSONValue.bool) ?? .null])
                    }) } ?? .null,
                    "metadata": task.metadata ?? .null,
                    "parameters": task.parameters.json,
                ])
            }),
            "tolerance": tolerance.json,
        ]
        // Only when declared, so suites that leave it to the default keep the hash they had.
        if let compare { object["compare"] = .array(compare.map { .object(["variant": .string($0.variant), "against": .string($0.against)]) }) }
        return .object(object)
    }

    /// SHA-256 of the resolved suite's canonical JSON: two files that resolve to the same suite share it.
    public var hash: String { get throws { try json.canonicalHash } }
}

/// The top-level keys a suite file may have, in the order `explain` prints them.
enum SuiteKeys {
    static let all = ["suite", "description", "include", "model", "models", "variants", "seeds", "defaults",
                      "tasks", "output_dir", "baseline", "tolerance", "compare"]
    /// Keys of a task entry the harness reads itself; every other key goes to the plugin.
    static let task = ["task", "plugin", "group", "metric_list", "metadata"]
    static let variant = ["name", "head", "mix"]
    static let mix = ["layers", "include_embedding", "initial_weights", "initial_gamma", "layer_norm", "trainable"]
    static let tolerance = ["absolute", "relative", "std"]
    /// The noise test a tolerance may add (`{absolute: 0.01, welch: 0.05}`).
    static let toleranceTest = ["welch"]
    static let compare = ["variant", "against"]
}
