import Foundation

/// What a plugin adds to a run's HTML report (`report.html`, `bermo report html`) beyond what the harness shows
/// for every task (metrics, paired differences, plots of the jobs' series, the learned mix): its own analyses,
/// such as GLUE's convergence steps or pruning's outcome table. The harness asks every registered plugin's
/// providers and names none of them.
public protocol ReportSectionProvider: Sendable {
    /// The sections for `run`; empty when the run has no jobs this provider reads. Throws only when a job it
    /// should read cannot be read (the report then says so in place of the section).
    func sections(_ run: FinishedRun) throws -> [ReportSection]
}

/// A titled part of a report, in format-neutral blocks: the HTML report escapes every text and draws every
/// chart, so a plugin never writes markup.
public struct ReportSection: Sendable {
    public var title: String
    /// The task the section belongs to: the HTML report shows it inside that task's part; nil for a section
    /// across tasks (shown after the tasks).
    public var task: String?
    public var blocks: [ReportBlock]

    public init(title: String, task: String? = nil, blocks: [ReportBlock]) {
        self.title = title; self.task = task; self.blocks = blocks
    }
}

public enum ReportBlock: Sendable {
    case heading(String)
    case paragraph(String)
    case table(ReportTable)
    case chart(SVGLineChart)
}
