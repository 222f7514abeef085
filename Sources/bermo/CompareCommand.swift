import ArgumentParser
import BermoHarness
import Foundation

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare results with a baseline, metric by metric (exit 0 within tolerance, 1 regression, 2 usage/data error).",
        discussion: """
            Only moves in the worse direction beyond the tolerance are regressions; improvements are listed.
            Tolerances, most specific first: --tolerance METRIC=…, the suite's per-metric, --tolerance …, \
            the suite's default, built-in \(Tolerance.builtInDefault).

            Noise-aware tolerances (`abs:0.01,welch:0.05`; in a suite `{absolute: 0.01, welch: 0.05}`) also \
            test the per-seed values of both runs: a drop beyond the tolerance is a regression only when a \
            one-sided t-test says seed noise is unlikely to explain it (p below the level), and an improvement \
            likewise. Welch's test when both runs have 2+ seeds; Student's pooled test when one run has a \
            single seed (the other run's seed variance stands for both); no test when both have one seed (the \
            plain tolerance decides, and the row says so). The table shows the test and its p-value.
            """)

    @Argument(help: "results.json (or the output directory holding it).")
    var results: String
    @Option(help: "The baseline results.json (or its directory).")
    var baseline: String
    @Option(help: "abs:X, rel:X, std:K, each optionally with ,welch:LEVEL (seed-noise test); METRIC=… for one metric (repeatable).")
    var tolerance: [String] = []
    @Flag(help: "Show every metric, not only those that moved.")
    var all = false
    @Option(help: """
        text: an aligned table; markdown: a Markdown report for a pull-request comment; github: the table, an ::error \
        annotation per regressed or missing metric and a ::warning per metric improved beyond its tolerance or skipped, \
        and the Markdown report appended to $GITHUB_STEP_SUMMARY when that is set.
        """)
    var format: GateFormat = .text

    func run() throws {
        let policy = try reportingErrors { try parseTolerances(tolerance) }
        let report = Gate.compare(results: ResultsDocument.file(at: results), baseline: ResultsDocument.file(at: baseline), tolerance: policy,
                                  showAll: all, format: format)
        print(report.output, terminator: "")
        if let error = report.error { printError(error) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

extension GateFormat: ExpressibleByArgument {}
