import BermoRuntime
import Foundation

/// `plan.json`: every job of a suite as planned (written when a run or a Slurm submission starts), so that
/// `bermo status` can tell pending jobs from finished ones while an array is running, before any
/// `results.json` exists.
public struct PlanDocument: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var task: String
        public var variant: String
        public var model: String
        public var seed: Int
    }

    public var schemaVersion: Int
    public var suite: String
    public var suiteFile: String
    public var createdAt: String
    public var jobs: [Entry]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", suite, suiteFile = "suite_file", createdAt = "created_at", jobs
    }

    public init(suite: Suite, jobs: [Job]) {
        schemaVersion = Self.schemaVersion; self.suite = suite.name; suiteFile = suite.file; createdAt = Timestamp.now()
        self.jobs = jobs.map { Entry(id: $0.id, task: $0.task.id, variant: $0.variant.name, model: $0.model.name, seed: $0.seed) }
    }

    public static func read(_ url: URL) throws -> PlanDocument {
        try HarnessJSON.read(PlanDocument.self, from: url, what: "job plan")
    }
}
