import BermoRuntime
import Foundation

/// `results.json`: one run (or merged shards) of a suite — provenance, every job, and per-seed aggregates.
/// `bermo compare` reads two of these.
public struct ResultsDocument: Codable, Sendable, Equatable {
    /// 3 adds `comparisons` (paired differences over seeds) and the suite's compared pairs; 2 (bermo 0.2)
    /// typed status, integer plugin versions and the numerics version. Versions 1 and 2 are still read (for
    /// `compare` and baselines): their fields are a subset, and they simply have no comparisons.
    public static let schemaVersion = 3
    static let readableVersions = 1...3

    public struct SuiteInfo: Codable, Sendable, Equatable {
        public var name: String
        public var hash: String
        public var file: String
        public var description: String?
        /// The suite's tolerance policy (as `TolerancePolicy.json`), used by `bermo compare`.
        public var tolerance: JSONValue
        /// The variant pairs compared over seeds (the suite's `compare:`, or each variant against `bert`);
        /// absent before schema 3, when the default applies to the variants the jobs ran.
        public var compare: [VariantPair]? = nil
    }

    /// A job as results list it (the full record stays in `jobs/<id>.json`).
    public struct JobSummary: Codable, Sendable, Equatable {
        public var id: String
        public var model: String
        public var modelSha256: String
        public var variant: String
        public var task: String
        public var group: String?
        public var plugin: String
        public var seed: Int
        public var status: JobStatus
        public var reason: String?
        public var divergedAtStep: Int?
        public var metrics: [String: Double]
        public var seconds: Double
        public var startedAt: String
        public var mix: MixSnapshot?

        enum CodingKeys: String, CodingKey {
            case id, model, modelSha256 = "model_sha256", variant, task, group, plugin, seed, status, reason
            case divergedAtStep = "diverged_at_step", metrics, seconds, startedAt = "started_at", mix
        }

        init(_ r: JobRecord) {
            id = r.id; model = r.model.name; modelSha256 = r.model.weightsSha256; variant = r.variantName; task = r.task
            group = r.group; plugin = "\(r.plugin.id)@\(r.plugin.version)"; seed = r.seed; status = r.status; reason = r.reason
            divergedAtStep = r.divergedAtStep; metrics = r.metrics; seconds = r.timing.seconds; startedAt = r.timing.startedAt; mix = r.mix
        }
    }

    public var schemaVersion: Int
    public var suite: SuiteInfo
    public var bermo: BermoInfo
    public var environment: RunEnvironment
    public var createdAt: String
    /// `i/N` when this is one shard's output.
    public var shard: String?
    public var limit: Int?
    /// Every job id of the suite (all shards) in run order, so a merge can tell which are missing and
    /// restore the suite's order.
    public var plannedJobs: [String]
    public var jobs: [JobSummary]
    public var failures: [JobFailure]
    public var aggregates: [Aggregate]
    /// Each compared pair of variants, per task and metric, paired by seed (absent before schema 3).
    public var comparisons: [PairedComparison]?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", suite, bermo, environment, createdAt = "created_at", shard, limit
        case plannedJobs = "planned_jobs", jobs, failures, aggregates, comparisons
    }

    public var tolerance: TolerancePolicy { TolerancePolicy(json: suite.tolerance) }

    /// Builds the document from job records (finished now or earlier).
    public static func build(suite: SuiteInfo, plannedJobs: [String], records: [JobRecord], failures: [JobFailure],
                             shard: String?, limit: Int?, threads: Int) -> ResultsDocument {
        // Plan order (model, task, variant, seed as the suite lists them), so reports follow the suite.
        let position = Dictionary(plannedJobs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let sorted = records.sorted { (position[$0.id] ?? .max, $0.id) < (position[$1.id] ?? .max, $1.id) }
        let aggregates = Aggregate.compute(sorted)
        return ResultsDocument(schemaVersion: schemaVersion, suite: suite, bermo: .current,
                               environment: .current(threads: threads), createdAt: Timestamp.now(), shard: shard, limit: limit,
                               plannedJobs: plannedJobs, jobs: sorted.map(JobSummary.init), failures: failures,
                               aggregates: aggregates,
                               comparisons: comparisons(aggregates, suite: suite, variants: sorted.map(\.variantName)))
    }

    /// The paired comparisons of `aggregates` for the suite's pairs: its `compare:`, else each of `variants` (the
    /// jobs' variants in run order) against `bert`.
    public static func comparisons(_ aggregates: [Aggregate], suite: SuiteInfo, variants: [String]) -> [PairedComparison] {
        var distinct: [String] = []
        for v in variants where !distinct.contains(v) { distinct.append(v) }
        return PairedComparison.compute(aggregates, pairs: suite.compare ?? VariantPair.defaults(variants: distinct))
    }

    /// `path` itself, or the results.json inside it when it is a directory (commands take either).
    public static func file(at path: String) -> URL {
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return OutputLayout(url).results
        }
        return url
    }

    public static func read(_ url: URL) throws -> ResultsDocument {
        let doc = try HarnessJSON.read(ResultsDocument.self, from: url, what: "results file")
        guard readableVersions.contains(doc.schemaVersion) else {
            throw HarnessError("\(url.path): results schema version \(doc.schemaVersion); this bermo (\(BermoVersion.version)) reads versions "
                + "\(readableVersions.lowerBound)...\(readableVersions.upperBound); regenerate it with this bermo's `bermo run`")
        }
        return doc
    }
}

/// ISO 8601 timestamps in UTC, the form result files use.
enum Timestamp {
    static func now() -> String { string(Date()) }
    static func string(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
