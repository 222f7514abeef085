import BermoRuntime
import Foundation

/// Expands a prepared suite into jobs, model × task × variant × seed, and gives each a deterministic id.
///
/// The id hashes everything a job's result depends on: the task id, the plugin's resolved configuration,
/// the task's `metadata`, the plugin id and results version, the runtime's numerics version, the variant,
/// the seed, the model's weights digest, the digests of the task's data files, and `--limit`. Change any
/// of them and the job reruns; change nothing and a rerun reuses the finished job file (if this release
/// of bermo computed it: see `SuiteRunner`).
public struct JobPlanner {
    public let hashes: FileHashCache
    public let limit: Int?
    public let modelCache: ModelCache
    public let log: @Sendable (String) -> Void

    public init(hashes: FileHashCache, limit: Int? = nil, modelCache: ModelCache = .shared, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.hashes = hashes; self.limit = limit; self.modelCache = modelCache; self.log = log
    }

    public func plan(_ suite: PreparedSuite) throws -> JobPlan {
        let models = try suite.suite.models.map(reference)
        var missing: [JobPlan.MissingData] = []
        var digests: [String: [DataFileDigest]] = [:]
        for task in suite.tasks {
            var list: [DataFileDigest] = []
            for file in task.prepared.dataFiles {
                if FileManager.default.fileExists(atPath: file.url.path) {
                    list.append(DataFileDigest(path: file.url.path, sha256: try hashes.sha256(of: file.url)))
                } else {
                    missing.append(.init(taskID: task.id, taskLocation: task.spec.location, file: file))
                }
            }
            digests[task.id] = list
        }
        hashes.save()
        var jobs: [Job] = []
        for model in models {
            for task in suite.tasks {
                for variant in suite.suite.variants {
                    for seed in suite.suite.seeds {
                        let data = digests[task.id] ?? []
                        let identity = Self.identity(task: task, variant: variant, seed: seed, model: model, data: data, limit: limit)
                        jobs.append(Job(id: try Hashing.shortID(identity.canonical), model: model, variant: variant, task: task,
                                        seed: seed, dataFiles: data, identity: identity))
                    }
                }
            }
        }
        return JobPlan(jobs: jobs, missingData: missing)
    }

    /// What a job's id is the hash of. Data files enter by content, not path, so moving the data
    /// directory does not rerun anything.
    static func identity(task: PreparedTaskEntry, variant: Variant, seed: Int, model: ModelReference,
                         data: [DataFileDigest], limit: Int?) -> JSONValue {
        .object([
            "task": .string(task.id),
            "configuration": task.prepared.configuration,
            "metadata": task.spec.metadata ?? .null,
            "plugin": .object(["id": .string(task.plugin.id), "version": .int(task.plugin.version)]),
            "numerics": .int(Numerics.version),
            "variant": variant.json,
            "seed": .int(seed),
            "model": .object(["name": .string(model.name), "weights_sha256": .string(model.weightsSha256)]),
            "data_sha256": .array(data.map { .string($0.sha256) }),
            "limit": limit.map { .int($0) } ?? .null,
        ])
    }

    /// A model reference with its weights digest: pinned for registered models (no download needed),
    /// hashed (once, then cached by size and mtime) for directories.
    func reference(_ spec: ModelSpec) throws -> ModelReference {
        switch spec.source {
        case .registered(let registered):
            return ModelReference(name: spec.name, weightsSha256: registered.safetensorsSha256, source: spec.source, cache: modelCache, log: log)
        case .directory(let url):
            let digest = try hashes.sha256(of: url.appendingPathComponent("model.safetensors"))
            return ModelReference(name: spec.name, weightsSha256: digest, source: spec.source, cache: modelCache, log: log)
        }
    }
}

extension JobPlan {
    /// One message listing every missing file with where it was looked for and how to fetch it.
    public func missingDataError(dataDirectory: URL, source: String) -> HarnessError? {
        guard !missingData.isEmpty else { return nil }
        var lines = ["\(missingData.count) data file(s) the suite needs are missing (data directory \(dataDirectory.path), from \(source)):"]
        for m in missingData {
            lines.append("  \(m.taskLocation): task `\(m.taskID)` needs \(m.file.url.path) — \(m.file.remedy)")
        }
        let commands = Array(Set(missingData.compactMap(\.file.fetchCommand))).sorted()
        if !commands.isEmpty {
            lines.append("Fix: run \(commands.map { "`\($0)`" }.joined(separator: " and ")), or point --data-dir (or $BERMO_DATA) at a directory that has these files.")
        }
        if missingData.contains(where: { $0.file.fetchCommand == nil }) {
            lines.append("Fix: create your own files listed above, or correct their paths in the suite.")
        }
        return HarnessError(lines.joined(separator: "\n"))
    }
}
