import BermoRuntime
import Foundation

/// Writes every report of a run into its output directory (each file atomically), and appends the
/// Markdown summary to `$GITHUB_STEP_SUMMARY` when running in GitHub Actions.
public struct ReportWriter {
    public let layout: OutputLayout
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// What the plugins add to `report.html` (the registry's `reportSections`).
    public var sectionProviders: [any ReportSectionProvider] = []
    /// Where every planned job stands (from `plan.json`), for `report.html`'s status; nil without a plan.
    public var status: SuiteStatus?

    public init(layout: OutputLayout) { self.layout = layout }

    public func write(results: ResultsDocument, records: [JobRecord], comparison: Comparison?) throws {
        let markdown = MarkdownReport(results: results, comparison: comparison).render()
        try AtomicFile.write(markdown, to: layout.summary)
        try AtomicFile.write(JUnitReport(results: results, comparison: comparison).render(), to: layout.junit)
        for plot in PlotReport.plots(records) {
            try AtomicFile.write(plot.chart.render(), to: layout.plots.appendingPathComponent(plot.fileName))
        }
        let run = FinishedRun(layout: layout, results: results, records: records)
        let html = HTMLReport(results: results, records: records, status: status, comparison: comparison,
                              sections: HTMLReport.sections(sectionProviders, run: run))
        try AtomicFile.write(html.render(), to: layout.htmlReport)
        if let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            // Appended, not replaced: several steps share the summary file. Best effort: a summary that cannot
            // be appended (a full disk) loses the summary, not the run (`bermo compare --format github`, whose
            // whole job is that summary, fails instead).
            try? AtomicFile.append(markdown + "\n", to: URL(fileURLWithPath: path))
        }
    }
}
