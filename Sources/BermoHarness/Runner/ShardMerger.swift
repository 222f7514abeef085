import BermoRuntime
import Foundation

/// Combines the output directories of `--shard` runs (or of any runs of one suite) into one: job files
/// are copied, results and reports rebuilt. Refuses to mix different suites.
public struct ShardMerger {
    public struct Summary: Sendable {
        public let results: ResultsDocument
        public let records: [JobRecord]
        /// Planned job ids that no input directory has a result for.
        public let missing: [String]
    }

    /// What the plugins add to the merged `report.html` (the registry's `reportSections`).
    public var sectionProviders: [any ReportSectionProvider]

    public init(sectionProviders: [any ReportSectionProvider] = []) { self.sectionProviders = sectionProviders }

    public func merge(_ inputs: [URL], into output: URL) throws -> Summary {
        guard !inputs.isEmpty else { throw HarnessError("bermo merge: give at least one shard output directory") }
        var documents: [(URL, ResultsDocument)] = []
        for dir in inputs {
            let file = OutputLayout(dir).results
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw HarnessError("\(file.path) does not exist: \(dir.path) is not the output directory of a finished `bermo run` (a run writes results.json when it ends; rerun an interrupted shard with the same command to finish it)")
            }
            documents.append((dir, try ResultsDocument.read(file)))
        }
        let (firstDir, first) = documents[0]
        for (dir, doc) in documents.dropFirst() where doc.suite.hash != first.suite.hash {
            throw HarnessError("\(dir.path) holds results of suite `\(doc.suite.name)` (hash \(doc.suite.hash.prefix(12))), "
                + "\(firstDir.path) of `\(first.suite.name)` (hash \(first.suite.hash.prefix(12))); only shards of one suite can be merged — rerun the shards from the same suite file")
        }
        if let limited = documents.first(where: { $0.1.limit != first.limit }) {
            throw HarnessError("\(limited.0.path) was run with --limit \(limited.1.limit.map(String.init) ?? "none"), \(firstDir.path) with \(first.limit.map(String.init) ?? "none"); merge shards run with the same --limit")
        }
        // Every shard lists the whole plan in run order; keep that order, adding any id only another has.
        var seen = Set<String>()
        let plannedOrder = documents.flatMap { $0.1.plannedJobs }.filter { seen.insert($0).inserted }
        let planned = Set(plannedOrder)
        var records: [String: JobRecord] = [:]
        for (dir, _) in documents {
            for record in JobStore(OutputLayout(dir)).allRecords() where planned.contains(record.id) && records[record.id] == nil {
                records[record.id] = record
            }
        }
        let outputLayout = OutputLayout(output)
        let store = JobStore(outputLayout)
        for record in records.values {
            try store.write(record)
            // Samples travel with their job.
            if let samples = record.samplesFile {
                for (dir, _) in documents {
                    let source = dir.appendingPathComponent(samples)
                    if let data = FileManager.default.contents(atPath: source.path) {
                        try AtomicFile.write(data, to: output.appendingPathComponent(samples)); break
                    }
                }
            }
        }
        let failures = documents.flatMap { $0.1.failures }.filter { records[$0.id] == nil }
        var seenFailures = Set<String>()
        let uniqueFailures = failures.filter { seenFailures.insert($0.id).inserted }
        let all = plannedOrder.compactMap { records[$0] }  // the suite's order, so reports and plots are the same every time
        let results = ResultsDocument.build(suite: first.suite, plannedJobs: plannedOrder, records: all, failures: uniqueFailures,
                                            shard: nil, limit: first.limit, threads: first.environment.threads)
        try HarnessJSON.write(results, to: outputLayout.results)
        var writer = ReportWriter(layout: outputLayout)
        writer.sectionProviders = sectionProviders
        try writer.write(results: results, records: all, comparison: nil)
        return Summary(results: results, records: all, missing: planned.subtracting(records.keys).sorted())
    }
}
