import BermoRuntime
import Foundation

/// The failed attempts of one job (its plugin threw), kept beside the records (`jobs/<id>.failed.json`) so
/// that the processes sharing an output directory (say an array of Slurm tasks) do not retry a job that
/// fails every time forever: after `--max-attempts` it is reported as failed and left alone until the file
/// is deleted or `--max-attempts` is raised. A job that succeeds later has the file removed.
public struct FailedAttempts: Codable, Sendable, Equatable {
    public struct Attempt: Codable, Sendable, Equatable {
        public var error: String
        public var at: String
        public var host: String
    }
    public var id: String
    public var task: String
    public var variant: String
    public var model: String
    public var seed: Int
    public var attempts: [Attempt]

    /// The failure as results list it.
    public var failure: JobFailure {
        JobFailure(id: id, task: task, variant: variant, model: model, seed: seed,
                   error: attempts.last.map(\.error) ?? "failed", attempts: attempts.count)
    }
}

/// Reads and writes `FailedAttempts`. Only the process holding a job's lease runs it, so only one writes
/// its file at a time; writes are atomic.
public struct JobFailures: Sendable {
    public let layout: OutputLayout
    public init(_ layout: OutputLayout) { self.layout = layout }

    public func file(_ id: String) -> URL { layout.jobs.appendingPathComponent("\(id).failed.json") }

    /// The job's failed attempts so far; nil when it never failed (or its file cannot be read: then it is
    /// simply tried again).
    public func attempts(_ id: String) -> FailedAttempts? {
        guard let data = FileManager.default.contents(atPath: file(id).path) else { return nil }
        return try? HarnessJSON.decoder().decode(FailedAttempts.self, from: data)
    }

    /// Adds a failed attempt of `job` and returns all of them.
    @discardableResult
    public func record(_ job: Job, error: String) throws -> FailedAttempts {
        var entry = attempts(job.id) ?? FailedAttempts(id: job.id, task: job.task.id, variant: job.variant.name,
                                                       model: job.model.name, seed: job.seed, attempts: [])
        entry.attempts.append(.init(error: error, at: Timestamp.now(), host: ProcessInfo.processInfo.hostName))
        try HarnessJSON.write(entry, to: file(job.id))
        return entry
    }

    /// Forgets a job's failures (it has just succeeded).
    public func clear(_ id: String) { try? FileManager.default.removeItem(at: file(id)) }
}
