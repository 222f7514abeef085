import BermoRuntime
import Foundation

/// `bermo report html <output-dir> [--baseline <results.json>] [--output report.html]`: the run's HTML report
/// (`HTMLReport`), from whatever the directory holds now: a finished run, a partial one (workers still
/// running, even before any results.json), merged shards. Offered by the harness itself, beside the plugins'
/// reports; the plugins take part through their `ReportSectionProvider`s.
public struct HTMLRunReport: RunReport {
    public struct Options: Settings {
        @Setting("baseline", .nonEmpty, help: "A baseline results.json (or the directory holding it): adds the gate's verdict per metric, regressions highlighted.")
        public var baseline: String? = nil
        @Setting("output", .nonEmpty, help: "Where to write the page (default: <output-dir>/report.html).")
        public var output: String? = nil
        public init() {}
    }

    let registry: PluginRegistry
    public init(registry: PluginRegistry) { self.registry = registry }

    public var name: String { "html" }
    public var summary: String {
        "One self-contained HTML page of a run (provenance, metrics, plots, the plugins' analyses, failed jobs; the gate's verdict with --baseline), also of a partial run."
    }

    public func report(_ run: FinishedRun, options: Options) throws -> ReportOutput {
        let page = try HTMLReport.build(run, baseline: options.baseline.map(ResultsDocument.file(at:)),
                                        providers: registry.reportSections).render()
        let destination = options.output.map { URL(fileURLWithPath: $0) } ?? run.layout.htmlReport
        return ReportOutput(text: "", pages: [(destination, page)])
    }
}

extension HTMLReport {
    /// The report of the run in `run`'s directory, gated against `baseline` when given.
    public static func build(_ run: FinishedRun, baseline: URL?, providers: [any ReportSectionProvider]) throws -> HTMLReport {
        let layout = run.layout
        let plan = FileManager.default.fileExists(atPath: layout.plan.path) ? try PlanDocument.read(layout.plan) : nil
        let status = plan == nil ? nil : try SuiteStatus.read(layout.root)
        var results = run.results ?? rebuilt(run, plan: plan)
        // Results of schema 1 or 2 (an earlier bermo) have no paired comparisons: derived here from their aggregates.
        if results.comparisons == nil {
            results.comparisons = ResultsDocument.comparisons(results.aggregates, suite: results.suite, variants: results.jobs.map(\.variant))
        }
        let comparison = try baseline.map { file in
            try Comparator().compare(current: results, baseline: ResultsDocument.read(file), files: (layout.results.path, file.path))
        }
        return HTMLReport(results: results, records: run.records, status: status, comparison: comparison, baselineFile: baseline?.path,
                          sections: sections(providers, run: run), resultsWritten: run.results != nil)
    }

    /// What results.json will say, from the job records there are (no results.json yet: workers are running).
    static func rebuilt(_ run: FinishedRun, plan: PlanDocument?) -> ResultsDocument {
        let suite = ResultsDocument.SuiteInfo(name: plan?.suite ?? run.records.first?.suite ?? "unknown", hash: "",
                                              file: plan?.suiteFile ?? "unknown", description: nil, tolerance: .null)
        return ResultsDocument.build(suite: suite, plannedJobs: plan?.jobs.map(\.id) ?? run.records.map(\.id), records: run.records,
                                     failures: [], shard: nil, limit: run.records.first?.limit, threads: 0)
    }

    /// Every provider's sections for `run`; a provider that cannot read a job gets a section that says so,
    /// so one unreadable record costs its section, not the page.
    static func sections(_ providers: [any ReportSectionProvider], run: FinishedRun) -> [ReportSection] {
        providers.flatMap { provider -> [ReportSection] in
            do { return try provider.sections(run) } catch {
                return [ReportSection(title: "\(type(of: provider)): not available", blocks: [.paragraph(ErrorText.describe(error))])]
            }
        }
    }
}
