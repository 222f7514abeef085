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
        var jobs = try run.records.compactMap(PruningReport.Job.init(record:))
        guard !jobs.isEmpty else { throw HarnessError("\(run.layout.jobs.path): no finished glue.prune job") }
        // The suite's task and variant order when results.json tells it, else by name.
        let tasks = run.results?.jobs.map(\.task) ?? [], variants = run.results?.jobs.map(\.variant) ?? []
        func rank(_ v: String, in order: [String]) -> Int { order.firstIndex(of: v) ?? Int.max }
        jobs.sort { a, b in
            (rank(a.task, in: tasks), a.task, rank(a.variant, in: variants), a.variant, a.seed)
                < (rank(b.task, in: tasks), b.task, rank(b.variant, in: variants), b.variant, b.seed)
        }
        let rows = PruningReport.rows(jobs)
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
}
