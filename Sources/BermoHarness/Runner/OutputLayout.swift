import Foundation

/// Where a run's files live inside its output directory.
///
///     results.json   summary.md   junit.xml   report.html   plots/<task>-<series>.svg
///     plan.json      every job of the suite (what `bermo status` counts)
///     jobs/<id>.json              one per finished job (the resume state)
///     jobs/<id>.lease             while a process runs the job
///     jobs/<id>.failed.json       the failed attempts of a job (see `JobFailures`)
///     samples/<id>.jsonl          with --log-samples
///     artifacts/<id>/             per-job files a plugin writes
public struct OutputLayout: Sendable {
    public let root: URL
    public init(_ root: URL) { self.root = root }

    public var jobs: URL { root.appendingPathComponent("jobs", isDirectory: true) }
    public func job(_ id: String) -> URL { jobs.appendingPathComponent("\(id).json") }
    public var samples: URL { root.appendingPathComponent("samples", isDirectory: true) }
    public func samples(_ id: String) -> URL { samples.appendingPathComponent("\(id).jsonl") }
    public func artifacts(_ id: String) -> URL { root.appendingPathComponent("artifacts/\(id)", isDirectory: true) }
    public var results: URL { root.appendingPathComponent("results.json") }
    /// The suite's jobs, written when a run or a submission starts, so `bermo status` knows what is pending.
    public var plan: URL { root.appendingPathComponent("plan.json") }
    public var summary: URL { root.appendingPathComponent("summary.md") }
    public var junit: URL { root.appendingPathComponent("junit.xml") }
    /// The self-contained HTML report (`HTMLReport`).
    public var htmlReport: URL { root.appendingPathComponent("report.html") }
    public var plots: URL { root.appendingPathComponent("plots", isDirectory: true) }
}

/// Reads and writes job records. A record that cannot be read (torn by a crash of an older version,
/// edited by hand) counts as not finished, so the job simply reruns.
public struct JobStore: Sendable {
    public let layout: OutputLayout
    public init(_ layout: OutputLayout) { self.layout = layout }

    public func record(_ id: String) -> JobRecord? {
        guard let data = FileManager.default.contents(atPath: layout.job(id).path),
              let record = try? HarnessJSON.decoder().decode(JobRecord.self, from: data),
              record.id == id, record.schemaVersion == JobRecord.schemaVersion
        else { return nil }
        return record
    }

    public func write(_ record: JobRecord) throws { try HarnessJSON.write(record, to: layout.job(record.id)) }

    /// Job files written with another record schema (by another bermo), with their schema version.
    public func otherSchemaVersions() -> [(file: URL, version: Int)] {
        struct Header: Decodable { var schemaVersion: Int; enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" } }
        return jobFiles().compactMap { url in
            guard let data = FileManager.default.contents(atPath: url.path),
                  let header = try? HarnessJSON.decoder().decode(Header.self, from: data),
                  header.schemaVersion != JobRecord.schemaVersion else { return nil }
            return (url, header.schemaVersion)
        }
    }

    func jobFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.jobs.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".failed.json") && !$0.hasPrefix(".") }.sorted()
            .map { layout.jobs.appendingPathComponent($0) }
    }

    /// Every readable record in `jobs/` (hidden temporary files are skipped).
    public func allRecords() -> [JobRecord] {
        jobFiles().compactMap { record($0.deletingPathExtension().lastPathComponent) }
    }
}
