import BermoRuntime

/// `bermo report power <output-dir>`: from the seed spread a run measured, how many seeds each of two runs
/// needs for the noise-aware gate's one-sided t-test to detect a given drop (`SampleSize`).
public struct SeedPowerReport: RunReport {
    public struct Options: Settings {
        @Setting("drop", .above(0), help: "The drop to detect, in the metric's units (0.01 = one point of accuracy).")
        public var drop = 0.01
        @Setting("alpha", .above(0, atMost: 0.5), help: "The one-sided test's level.")
        public var alpha = 0.05
        @Setting("power", .above(0, atMost: 0.999), help: "The probability of detecting the drop.")
        public var power = 0.8
        @Setting("metric", help: "Only this metric (e.g. accuracy); default every metric.")
        public var metric: String? = nil
        public init() {}
    }

    public init() {}
    public var name: String { "power" }
    public var summary: String {
        "Seeds per run the noise-aware gate needs to detect a drop (default 0.01) at a level and power, from each task's seed standard deviation."
    }

    public func report(_ run: FinishedRun, options: Options) throws -> ReportOutput {
        let results = try run.requiredResults()
        let aggregates = results.aggregates.filter { options.metric == nil || $0.metric == options.metric }
        let measured = aggregates.filter { $0.std != nil }
        guard !measured.isEmpty else {
            throw HarnessError("\(run.layout.results.path): no metric\(options.metric.map { " `\($0)`" } ?? "") has two or more seeds, "
                + "so there is no seed spread to plan with; run the suite with more seeds (e.g. a copy with `seeds: [1, 2, 3, 4, 5]`)")
        }
        let percent = String(format: "%g", 100 * options.power)
        var text = "Seeds per run to detect a drop of \(Format.number(options.drop)) with a one-sided two-sample t-test at level "
            + "\(options.alpha) with power \(percent)% (noncentral t, equal seeds per run, each run's std = the seed std measured here).\n\n"
        let left = ["task", "variant", "metric"].map { ReportTable.Column($0) }
        let right = ["seeds measured", "seed std", "seeds per run", "power with the seeds measured"].map { ReportTable.Column($0, .right) }
        text += ReportTable(columns: left + right, rows: measured.map { a in
            let std = a.std!
            let needed = SampleSize.seedsPerRun(drop: options.drop, std: std, alpha: options.alpha, power: options.power)
            let now = SampleSize.power(seedsPerRun: a.n, drop: options.drop, std: std, alpha: options.alpha)
            return [a.task, a.variant, a.metric, "\(a.n)", Format.number(std),
                    needed.map { "\($0)" + (std == 0 ? " (no spread measured)" : "") } ?? "more than 100000",
                    String(format: "%.2f", now)].map { ReportTable.Cell($0) }
        }).markdown
        text += "\nA seed std from a few seeds is itself uncertain (from 5 seeds, its 95% interval is 0.60–2.87 times the estimate), "
            + "and a regression needs the drop to exceed the tolerance too: keep the tolerance below the drop you want to catch.\n"
        return ReportOutput(text: text)
    }
}
