import BermoHarness
import BermoRuntime
import Foundation

/// What a golden entry records of a finished run: per job, keyed `task · variant · seed N`, its status
/// (and reason), metrics, series points, mix, and the plugin's details without the keys that measure the
/// machine rather than the computation. The details (training losses, per-layer probe accuracies, the
/// sparsity log) make tiny runs sensitive: a metric such as a 16-example accuracy can stay put while
/// what the plugin computes has changed.
enum GoldenOutputs {
    /// Details keys that describe the machine or the run rather than the computation: wall-clock figures,
    /// cache hits, absolute paths. A plugin that adds such a key fails its own golden check when it is
    /// recorded twice; list the key here.
    static let volatileKeys: Set<String> = ["train_seconds", "train_examples_per_second", "features_from_cache", "dataset_path"]

    static func jobs(inRun directory: URL) throws -> JSONValue {
        let run = try FinishedRun(directory: directory)
        var jobs: [String: JSONValue] = [:]
        for r in run.records { jobs["\(r.task) · \(r.variantName) · seed \(r.seed)"] = try job(r) }
        return .object(jobs)
    }

    static func job(_ r: JobRecord) throws -> JSONValue {
        var out: [String: JSONValue] = [
            "status": .string(r.status.rawValue),
            "metrics": .object(r.metrics.mapValues { .double($0) }),
            "series": .object(Dictionary(r.series.map { s in
                ("\(s.name) (\(s.variant ?? r.variantName))", JSONValue.array(s.points.map { [.double($0.x), .double($0.y)] }))
            }, uniquingKeysWith: { a, _ in a })),
            "details": withoutVolatileKeys(r.details),
        ]
        if let reason = r.reason { out["reason"] = .string(reason) }
        if let step = r.divergedAtStep { out["diverged_at_step"] = .int(step) }
        if let mix = r.mix { out["mix"] = try JSONValue(encoding: mix) }
        return .object(out)
    }

    static func withoutVolatileKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o):
            return .object(Dictionary(uniqueKeysWithValues: o.filter { !volatileKeys.contains($0.key) }.map { ($0.key, withoutVolatileKeys($0.value)) }))
        case .array(let a): return .array(a.map(withoutVolatileKeys))
        default: return value
        }
    }
}
