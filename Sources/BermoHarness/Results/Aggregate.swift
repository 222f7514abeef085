import Foundation

/// One metric of one (model, variant, task) over seeds: the per-seed values, mean and sample std.
public struct Aggregate: Codable, Sendable, Equatable {
    public struct SeedValue: Codable, Sendable, Equatable {
        public var seed: Int
        public var value: Double
    }

    public var model: String
    public var variant: String
    public var task: String
    public var group: String?
    public var metric: String
    public var higherIsBetter: Bool
    public var values: [SeedValue]
    public var mean: Double
    /// Sample standard deviation (n − 1); nil with a single seed, where it is undefined.
    public var std: Double?
    public var n: Int

    public var key: AggregateKey { AggregateKey(model: model, variant: variant, task: task, metric: metric) }

    enum CodingKeys: String, CodingKey {
        case model, variant, task, group, metric, higherIsBetter = "higher_is_better", values, mean, std, n
    }

    /// Mean and sample std of `values` (`SampleMoments`).
    public static func statistics(_ values: [Double]) -> (mean: Double, std: Double?) { SampleMoments.of(values) }

    /// Groups completed jobs' metrics by (model, variant, task, metric), in the order the records come
    /// (plan order: the suite's order of tasks, variants and seeds). Only declared metrics are aggregated
    /// (a suite's `metric_list` narrows what is reported).
    public static func compute(_ records: [JobRecord]) -> [Aggregate] {
        var order: [AggregateKey] = []
        var groups: [AggregateKey: (group: String?, higher: Bool, values: [SeedValue])] = [:]
        for r in records where r.status == .completed {
            for d in r.metricDeclarations {
                guard let value = r.metrics[d.name] else { continue }
                let key = AggregateKey(model: r.model.name, variant: r.variantName, task: r.task, metric: d.name)
                if groups[key] == nil { order.append(key); groups[key] = (r.group, d.higherIsBetter, []) }
                groups[key]!.values.append(SeedValue(seed: r.seed, value: value))
            }
        }
        return order.map { key in
            let g = groups[key]!
            let (mean, std) = statistics(g.values.map(\.value))
            return Aggregate(model: key.model, variant: key.variant, task: key.task, group: g.group, metric: key.metric,
                             higherIsBetter: g.higher, values: g.values, mean: mean, std: std, n: g.values.count)
        }
    }
}

public struct AggregateKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var model: String, variant: String, task: String, metric: String
    public static func < (a: Self, b: Self) -> Bool { (a.task, a.metric, a.model, a.variant) < (b.task, b.metric, b.model, b.variant) }
    public var description: String { "\(task) / \(variant) / \(metric)" + (model.isEmpty ? "" : " (\(model))") }
}
