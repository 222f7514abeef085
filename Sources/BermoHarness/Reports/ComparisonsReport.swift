import BermoRuntime

/// `bermo report comparisons <output-dir>`: `results.json`'s paired comparisons as a Markdown table, with
/// each variant's mean over the paired seeds; the README's result tables are this report's output.
public struct ComparisonsReport: RunReport {
    public struct Options: Settings {
        @Setting("metric", help: "Only this metric (e.g. accuracy); default every compared metric.")
        public var metric: String? = nil
        @Setting("percent", help: "Show values × 100 with two decimals (accuracy in %).")
        public var percent = false
        public init() {}
    }

    public init() {}
    public var name: String { "comparisons" }
    public var summary: String {
        "Each compared pair of variants per task and metric: the variants' means, the mean per-seed difference with its 95% interval, n, and whether the interval excludes 0."
    }

    public func report(_ run: FinishedRun, options: Options) throws -> ReportOutput {
        let results = try run.requiredResults()
        guard let all = results.comparisons else {
            throw HarnessError("\(run.layout.results.path) is results schema \(results.schemaVersion), which has no comparisons; "
                + "rerun the suite with this bermo (finished jobs are reused) to write them")
        }
        let comparisons = all.filter { options.metric == nil || $0.metric == options.metric }
        if let metric = options.metric, comparisons.isEmpty {
            let known = Array(Set(all.map(\.metric))).sorted()
            throw HarnessError("no comparison of metric `\(metric)` in \(run.layout.results.path)"
                + (known.isEmpty ? " (it has none: does the suite compare two variants?)" : "; compared metrics: \(known.joined(separator: ", "))"))
        }
        return ReportOutput(text: PairedComparisonTable.markdown(comparisons, style: .init(percent: options.percent, means: true)))
    }
}
