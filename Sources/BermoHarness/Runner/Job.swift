import BermoRuntime
import Foundation

/// One unit of work: a task run on one model, variant and seed.
public struct Job: Sendable {
    /// Deterministic id: a hash of everything the result depends on (see `JobPlanner`).
    public let id: String
    public let model: ModelReference
    public let variant: Variant
    public let task: PreparedTaskEntry
    public let seed: Int
    /// Digests of the task's data files, in the order the plugin declared them.
    public let dataFiles: [DataFileDigest]
    /// What was hashed into `id`, kept for `explain` and for debugging unexpected reruns.
    public let identity: JSONValue

    /// "sst2 · bermo · seed 1" (with the model when the suite has several).
    public func name(withModel: Bool) -> String {
        "\(task.id) · \(variant.name) · seed \(seed)" + (withModel ? " · \(model.name)" : "")
    }
}

public struct DataFileDigest: Sendable, Equatable, Codable {
    public var path: String
    public var sha256: String
}

/// The jobs of a suite, in run order (model, task, variant, seed), and which of them a shard runs.
public struct JobPlan: Sendable {
    public let jobs: [Job]
    /// Files tasks need that do not exist, with the task and fetch command; running is refused while any are missing.
    public let missingData: [MissingData]

    public struct MissingData: Sendable {
        public let taskID: String
        public let taskLocation: SourceLocation
        public let file: DataFile
    }

    /// The jobs `shard` runs: every N-th job of the id-sorted list, so shards are balanced whatever the order.
    public func jobs(in shard: Shard?) -> [Job] {
        guard let shard else { return jobs }
        let chosen = Set(jobs.map(\.id).sorted().enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(\.element))
        return jobs.filter { chosen.contains($0.id) }
    }
}

/// `--shard i/N`: the i-th (1-based) of N disjoint slices of a suite's jobs.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw HarnessError("--shard \(index)/\(count): expected i/N with 1 ≤ i ≤ N, e.g. --shard 1/4")
        }
        self.index = index; self.count = count
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw HarnessError("--shard \(text): expected i/N with 1 ≤ i ≤ N, e.g. --shard 1/4")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }
}
