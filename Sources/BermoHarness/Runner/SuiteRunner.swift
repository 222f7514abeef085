import BermoRuntime
import Foundation

/// Runs a suite's jobs one after another (the runtime already uses every core inside a job), writing
/// each finished job to its own file at once, so killing the process loses only the job in progress,
/// and a rerun picks up where it stopped. Each job is leased while it runs (`JobLeases`), so several
/// processes started on one output directory, on one host or many, share the jobs.
public final class SuiteRunner: Sendable {
    public let registry: PluginRegistry
    public let options: RunOptions
    public let console: any Console

    public init(registry: PluginRegistry, options: RunOptions, console: any Console = StderrConsole()) {
        self.registry = registry; self.options = options; self.console = console
    }

    /// Loads, checks, prepares and runs the suite at `path`.
    public func run(suitePath path: String) throws -> RunSummary {
        let suite = try SuiteLoader().load(path)
        let prepared = try SuitePreparer(registry: registry, dataDirectory: options.dataDirectory,
                                         dataDirectorySource: options.dataDirectorySource).prepare(suite)
        return try run(prepared)
    }

    public func outputDirectory(for suite: Suite) -> URL {
        options.outputDirectory ?? suite.outputDirectory
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("results/\(suite.name)", isDirectory: true)
    }

    public func run(_ prepared: PreparedSuite) throws -> RunSummary {
        Compute.configure(threads: options.threads)
        let layout = OutputLayout(outputDirectory(for: prepared.suite))
        let plan = try self.plan(prepared)
        try FileManager.default.createDirectory(at: layout.root, withIntermediateDirectories: true)
        try HarnessJSON.write(PlanDocument(suite: prepared.suite, jobs: plan.jobs), to: layout.plan)
        let selected = plan.jobs(in: options.shard)
        var work = options.mode == .finalize ? Work() : try runJobs(selected, of: prepared, layout: layout)
        if let interrupted = work.interrupted {
            console.log("bermo: \(interrupted); finished jobs are kept, the rest run when this command is run again")
        }
        guard options.mode != .worker, work.interrupted == nil else {
            return RunSummary(results: ResultsDocument.build(suite: try suiteInfo(prepared), plannedJobs: plan.jobs.map(\.id), records: work.records,
                                                             failures: work.failures, shard: options.shard?.description, limit: options.limit,
                                                             threads: options.threads),
                              records: work.records, ran: work.ran, reused: work.reused, failures: work.failures, comparison: nil,
                              outputDirectory: layout.root, notes: work.notes, interrupted: work.interrupted)
        }
        // Jobs left to other processes (or, when finalizing, every job) count when they have finished by now.
        let store = JobStore(layout), failures = JobFailures(layout)
        var missing: [Job] = []
        for job in selected where !work.records.contains(where: { $0.id == job.id }) && !work.failures.contains(where: { $0.id == job.id }) {
            if let record = finishedRecord(job.id, store: store, notes: &work) { work.reuse(record) }
            else if let failed = failures.attempts(job.id), failed.attempts.count >= options.maxAttempts { work.failures.append(failed.failure) }
            else { missing.append(job) }
        }
        return try finish(prepared, plan: plan, layout: layout, work: work, missing: missing)
    }

    /// What running (part of) the jobs produced.
    struct Work {
        var records: [JobRecord] = [], ran: [String] = [], reused: [String] = [], failures: [JobFailure] = []
        var notes: [String] = []
        var interrupted: Interrupted?
        /// Records of another bermo release reused because `--reuse-other-versions` asked for it.
        var otherVersions: [JobRecord] = []
        mutating func reuse(_ record: JobRecord) { records.append(record); reused.append(record.id) }
    }

    /// The suite's jobs with their ids; throws when data files are missing (listing them and how to fetch them).
    public func plan(_ prepared: PreparedSuite) throws -> JobPlan {
        let hashes = FileHashCache(file: options.cacheDirectory.appendingPathComponent("file-hashes.json"))
        let console = self.console
        let plan = try JobPlanner(hashes: hashes, limit: options.limit, log: { console.log("bermo: \($0)") }).plan(prepared)
        if let missing = plan.missingDataError(dataDirectory: options.dataDirectory, source: options.dataDirectorySource) { throw missing }
        return plan
    }

    /// The finished record of `id` this run may use: none with `--force`; one of another bermo release only
    /// with `--reuse-other-versions` (then listed).
    func finishedRecord(_ id: String, store: JobStore, notes work: inout Work) -> JobRecord? {
        guard !options.force, let record = store.record(id) else { return nil }
        guard record.bermo.version == BermoVersion.version else {
            guard options.reuseOtherVersions else { return nil }
            work.otherVersions.append(record)
            return record
        }
        return record
    }

    /// Runs the jobs not finished, not held by another process and not failed `maxAttempts` times, in plan
    /// order, each under a claim; stops early on a stop request.
    func runJobs(_ selected: [Job], of prepared: PreparedSuite, layout: OutputLayout) throws -> Work {
        let store = JobStore(layout), failureLog = JobFailures(layout)
        let withModel = prepared.suite.models.count > 1
        var work = Work()
        var existing: [String: JobRecord] = [:]
        for job in selected { existing[job.id] = finishedRecord(job.id, store: store, notes: &work) }
        let oldSchema = store.otherSchemaVersions()
        if !oldSchema.isEmpty {
            console.log("bermo: note: \(oldSchema.count) job file(s) in \(layout.jobs.path) were written by an earlier bermo "
                + "(record schema \(Set(oldSchema.map(\.version)).sorted().map(String.init).joined(separator: ", "))); their job ids no longer "
                + "occur, so they are ignored and the suite's jobs run again")
        }
        let stale = selected.compactMap { store.record($0.id) }.filter { $0.bermo.version != BermoVersion.version }
        if !stale.isEmpty && !options.force && !options.reuseOtherVersions {
            console.log("bermo: \(stale.count) finished job(s) were computed by another bermo release "
                + "(\(Set(stale.map(\.bermo.version)).sorted().joined(separator: ", ")); this is \(BermoVersion.version)): they run again; "
                + "`--reuse-other-versions` reuses them instead")
        }
        let tracker = ProgressTracker(total: selected.count, toRun: selected.count - existing.count)
        let leases = JobLeases(layout, timeout: Double(options.leaseTimeout), log: { [console] in console.log("bermo: \($0)") })
        leases.sweep()
        var order = JobOrder(selected, leases: leases)
        while let k = order.next() {
            let job = selected[k]
            if let record = existing[job.id] { work.reuse(record); continue }
            let name = job.name(withModel: withModel)
            if let failed = failureLog.attempts(job.id), failed.attempts.count >= options.maxAttempts {
                console.log("bermo: [\(k + 1)/\(selected.count)] \(name): failed \(failed.attempts.count) time(s), not retried "
                    + "(last: \(failed.attempts.last?.error ?? "?")); raise --max-attempts or delete \(failureLog.file(job.id).path) to retry")
                work.failures.append(failed.failure)
                continue
            }
            do { try StopRequest.check("job \(k + 1) of \(selected.count), before it started") } catch let stop as Interrupted {
                work.interrupted = stop
                break
            }
            let lease: JobLease
            switch try leases.acquire(job.id, name: name) {
            case .acquired(let acquired): lease = acquired
            case .heldBy(let holder):
                console.log("bermo: [\(k + 1)/\(selected.count)] \(name): being run by another process (\(holder)); left to it")
                continue
            }
            defer { lease.release() }
            // Another process may have finished the job since the plan was made; it wrote the record before
            // releasing its lease, so with the lease held any record there is complete.
            if let record = finishedRecord(job.id, store: store, notes: &work) { work.reuse(record); continue }
            tracker.start(index: k + 1, name: name)
            console.status(tracker.line(fraction: 0, note: ""))
            do {
                let record = try execute(job, suite: prepared.suite.name, layout: layout, tracker: tracker, name: name)
                // Taken over while this process was stopped past the lease timeout: the successor records the job.
                if lease.confirm() {
                    try store.write(record)
                    failureLog.clear(job.id)
                    work.records.append(record); work.ran.append(job.id)
                    console.log("bermo: [\(k + 1)/\(selected.count)] \(name): \(Self.describe(record))")
                } else {
                    console.log("bermo: [\(k + 1)/\(selected.count)] \(name): lost its lease (\(lease.lostReason ?? "")); "
                        + "its result is dropped and the job left to the process that took it over")
                }
            } catch let stop as Interrupted {
                console.log("bermo: [\(k + 1)/\(selected.count)] \(name): \(stop)")
                work.interrupted = stop
                break
            } catch {
                let text = ErrorText.describe(error)
                let attempts = (try? failureLog.record(job, error: text))?.attempts.count ?? 1
                work.failures.append(JobFailure(id: job.id, task: job.task.id, variant: job.variant.name, model: job.model.name,
                                                seed: job.seed, error: text, attempts: attempts))
                console.log("bermo: [\(k + 1)/\(selected.count)] \(name): FAILED (attempt \(attempts) of \(options.maxAttempts)): \(text)")
                if options.failFast { break }
            }
            tracker.finish()
        }
        console.endStatus()
        return work
    }

    func suiteInfo(_ prepared: PreparedSuite) throws -> ResultsDocument.SuiteInfo {
        ResultsDocument.SuiteInfo(name: prepared.suite.name, hash: try prepared.suite.hash, file: prepared.suite.file,
                                  description: prepared.suite.description, tolerance: prepared.suite.tolerance.json,
                                  compare: prepared.suite.comparedPairs)
    }

    /// Writes results, reports and the gate's verdict from the records there are.
    func finish(_ prepared: PreparedSuite, plan: JobPlan, layout: OutputLayout, work: Work, missing: [Job]) throws -> RunSummary {
        let results = ResultsDocument.build(suite: try suiteInfo(prepared), plannedJobs: plan.jobs.map(\.id), records: work.records,
                                            failures: work.failures, shard: options.shard?.description, limit: options.limit,
                                            threads: options.threads)
        try HarnessJSON.write(results, to: layout.results)

        var notes = work.notes
        let reusedOld = Dictionary(work.otherVersions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        if !reusedOld.isEmpty {
            notes.append("\(reusedOld.count) job(s) were reused from another bermo release (--reuse-other-versions): "
                + reusedOld.values.sorted { $0.id < $1.id }.map { "\($0.task) · \($0.variantName) · seed \($0.seed) (bermo \($0.bermo.version))" }
                    .joined(separator: "; "))
        }
        // A job with no record is still running elsewhere, or (when finalizing) was never run to the end.
        if !missing.isEmpty {
            notes.append(options.mode == .finalize
                ? "\(missing.count) job(s) have no result: \(missing.prefix(5).map { $0.name(withModel: false) }.joined(separator: "; "))"
                    + (missing.count > 5 ? "; …" : "") + ". `bermo status` says why; run the suite again (or resubmit) to finish them"
                : "\(missing.count) job(s) are still being run by another process; results.json is complete once the last "
                    + "process finishes (or rerun this command then to collect them)")
        }
        var comparison: Comparison?
        if let baseline = prepared.suite.baseline {
            if !missing.isEmpty {
                notes.append("the baseline was not applied because jobs are missing")
            } else if options.shard != nil {
                notes.append("the baseline was not applied to one shard: merge the shards with `bermo merge`, then run `bermo compare`")
            } else if options.limit != nil {
                notes.append("the baseline was not applied because --limit changes the metrics; run without --limit to gate")
            } else {
                comparison = try Comparator(cli: options.tolerance).compare(current: results, baseline: ResultsDocument.read(baseline))
            }
        }
        var writer = ReportWriter(layout: layout)
        writer.sectionProviders = registry.reportSections
        writer.status = try SuiteStatus.read(layout.root, maxAttempts: options.maxAttempts, leaseTimeout: Double(options.leaseTimeout))
        try writer.write(results: results, records: work.records, comparison: comparison)
        var summary = RunSummary(results: results, records: work.records, ran: work.ran, reused: work.reused, failures: work.failures,
                                 comparison: comparison, outputDirectory: layout.root, notes: notes)
        // Another process's jobs are not this run's failure; when finalizing, every job is this run's.
        if options.mode == .finalize { summary.missing = missing.map(\.id) }
        return summary
    }

    /// Runs one job through its plugin and turns the outcome into a record.
    func execute(_ job: Job, suite: String, layout: OutputLayout, tracker: ProgressTracker, name: String) throws -> JobRecord {
        let artifacts = layout.artifacts(job.id)
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let cache = options.cacheDirectory.appendingPathComponent("tasks/\(job.task.plugin.id)", isDirectory: true)
        let console = self.console
        let context = JobContext(id: job.id, model: job.model, variant: job.variant, seed: job.seed,
                                 limit: options.limit, cacheDirectory: cache, artifactsDirectory: artifacts,
                                 logSamples: options.logSamples,
                                 progress: { fraction, note in console.status(tracker.line(fraction: fraction, note: note)) },
                                 log: { console.log("bermo: \(name): \($0)") })
        let started = Date()
        // An artifacts folder the plugin left empty is removed, so the output holds only real files.
        defer { rmdir(artifacts.path) }
        let outcome = try job.task.prepared.run(context)
        let seconds = Date().timeIntervalSince(started)

        if case .completed = outcome.status {
            for (metric, value) in outcome.metrics where !value.isFinite {
                throw HarnessError("plugin `\(job.task.plugin.id)` reported \(value) for metric `\(metric)` of a completed job; "
                    + "a plugin must return a finite value, or `.diverged` when training blew up")
            }
        }
        var samplesFile: String?
        if options.logSamples && !outcome.samples.isEmpty {
            try AtomicFile.write(outcome.samples.map { $0.canonical + "\n" }.joined(), to: layout.samples(job.id))
            samplesFile = "samples/\(job.id).jsonl"
        }
        var reason: String?, step: Int?
        switch outcome.status {
        case .completed: break
        case .skipped(let why): reason = why
        case .diverged(let at, let why): reason = why; step = at
        }
        return JobRecord(
            schemaVersion: JobRecord.schemaVersion, id: job.id, suite: suite,
            model: .init(name: job.model.name, weightsSha256: job.model.weightsSha256), variant: job.variant.json,
            task: job.task.id, group: job.task.spec.group, plugin: .init(id: job.task.plugin.id, version: job.task.plugin.version),
            bermo: .current, seed: job.seed, status: outcome.status.kind, reason: reason, divergedAtStep: step, metrics: outcome.metrics,
            metricDeclarations: job.task.metrics, series: outcome.series, mix: outcome.mix, details: outcome.details,
            configuration: job.task.prepared.configuration, dataFiles: job.dataFiles, limit: options.limit,
            samplesFile: samplesFile, timing: .init(startedAt: Timestamp.string(started), seconds: seconds))
    }

    static func describe(_ r: JobRecord) -> String {
        switch r.status {
        case .completed:
            let shown = r.metricDeclarations.compactMap { d in r.metrics[d.name].map { "\(d.name) \(Format.number($0))" } }
            return shown.isEmpty ? "completed" : shown.joined(separator: ", ")
        case .diverged: return "diverged at step \(r.divergedAtStep ?? 0): \(r.reason ?? "")"
        case .skipped: return "skipped: \(r.reason ?? "")"
        }
    }
}
