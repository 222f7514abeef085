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
            """)

    @Argument(help: "results.json (or the output directory holding it).")
    var results: String
    @Option(help: "The baseline results.json (or its directory).")
    var baseline: String
    @Option(help: "abs:X, rel:X, std:K, or METRIC=abs:X for one metric (repeatable).")
    var tolerance: [String] = []
    @Flag(help: "Show every metric, not only those that moved.")
    var all = false
    @Flag(help: "Print the table as Markdown.")
    var markdown = false

    func run() throws {
        let policy = try reportingErrors { try parseTolerances(tolerance) }
        let report = Gate.compare(results: ResultsDocument.file(at: results), baseline: ResultsDocument.file(at: baseline), tolerance: policy,
                                  showAll: all, markdown: markdown)
        print(report.output, terminator: "")
        if let error = report.error { printError(error) }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
