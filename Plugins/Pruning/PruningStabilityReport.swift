import BermoHarness
import BermoRuntime
import Foundation

/// `bermo report pruning <output-dir>`: for every glue.prune task (method × level) and variant, how many seeds
/// learned, ended at the majority-class level or diverged, with the dev score and remaining weights: the
/// divergence-rate table behind "BERT diverges on SST-2 where BERMo does not"; then, per method, the two
/// heads' dev scores at equal remaining weights (the parameter-efficiency claim; see `EqualSparsity`), and
/// one SVG per method (dev score vs remaining weights, both variants).
public struct PruningStabilityReport: RunReport {
    public struct Options: Settings {
        @Setting("baseline", .nonEmpty, help: "The variant the equal-sparsity comparison measures against.")
        public var baseline = "bert"
        @Setting("candidate", .nonEmpty, help: "The variant compared with the baseline at equal remaining weights.")
        public var candidate = "bermo"
        public init() {}
    }

    public init() {}
    public var name: String { "pruning" }
    public var summary: String {
        "Outcome of every fine-pruning job (learned, majority level, diverged) per method, level and variant, and the heads compared at equal remaining weights."
    }

    public func report(_ run: FinishedRun, options: Options) throws -> ReportOutput {
        let rows = try Self.rows(run)
        guard !rows.isEmpty else { throw HarnessError("\(run.layout.jobs.path): no finished glue.prune job") }
        var text = PruningReport.markdown(rows)
        let comparisons = EqualSparsity.compare(rows, baseline: options.baseline, candidate: options.candidate)
        if !comparisons.isEmpty {
            text += "\n### \(options.candidate) vs \(options.baseline) at equal remaining weights\n"
                + EqualSparsity.markdown(comparisons, baseline: options.baseline, candidate: options.candidate)
        }
        let files = PruningReport.charts(rows).map { curve, chart in
            let slug = curve.map { $0.isLetter || $0.isNumber || $0 == "_" ? String($0) : "-" }.joined()
                .split(separator: "-").joined(separator: "-")
            return (name: "pruning-\(slug).svg", contents: chart.render())
        }
        return ReportOutput(text: text, files: files)
    }

    /// The report's rows: every finished glue.prune job of the run, in the suite's task and variant order
    /// when results.json tells it, else by name.
    static func rows(_ run: FinishedRun) throws -> [PruningReport.Row] {
        var jobs = try run.records.compactMap(PruningReport.Job.init(record:))
        let tasks = run.results?.jobs.map(\.task) ?? [], variants = run.results?.jobs.map(\.variant) ?? []
        func rank(_ v: String, in order: [String]) -> Int { order.firstIndex(of: v) ?? Int.max }
        jobs.sort { a, b in
            (rank(a.task, in: tasks), a.task, rank(a.variant, in: variants), a.variant, a.seed)
                < (rank(b.task, in: tasks), b.task, rank(b.variant, in: variants), b.variant, b.seed)
        }
        return PruningReport.rows(jobs)
    }
}

extension PruningStabilityReport: ReportSectionProvider {
    /// The outcome table, the heads at equal remaining weights (default variants) and the dev-score-vs-remaining
    /// plots, in the HTML report.
    public func sections(_ run: FinishedRun) throws -> [ReportSection] {
        let rows = try Self.rows(run)
        guard !rows.isEmpty else { return [] }
        let o = Options()
        var blocks: [ReportBlock] = [
            .paragraph("Per pruning task (method and level) and variant: seeds that learned (final dev score more than "
                + "\(String(format: "%g", 100 * PruningReport.majorityMargin)) point above the majority class), ended at the majority-class level, "
                + "or diverged (with the steps); dev score over completed seeds and remaining weights of the pruned matrices, in %."),
            .table(PruningReport.table(rows)),
        ]
        let comparisons = EqualSparsity.compare(rows, baseline: o.baseline, candidate: o.candidate)
        if !comparisons.isEmpty {
            blocks.append(.heading("\(o.candidate) vs \(o.baseline) at equal remaining weights"))
            for c in comparisons {
                blocks.append(.paragraph("\(c.curve): " + EqualSparsity.summary(c, baseline: o.baseline, candidate: o.candidate)))
                if let table = EqualSparsity.table(c, baseline: o.baseline, candidate: o.candidate) { blocks.append(.table(table)) }
            }
        }
        blocks += PruningReport.charts(rows).map { .chart($0.chart) }
        return [ReportSection(title: "Pruning outcomes", blocks: blocks)]
    }
}
