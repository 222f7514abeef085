import BermoHarness
import Foundation
import Testing

@Suite struct GateTests {
    /// Runs the echo suite once and returns its results with a writable copy helper.
    static func baselineRun(_ dir: URL) throws -> (results: ResultsDocument, file: URL) {
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        return (summary.results, OutputLayout(summary.outputDirectory).results)
    }

    /// A copy of `doc` with one aggregate's mean shifted by `delta`.
    static func shifted(_ doc: ResultsDocument, task: String, variant: String, metric: String, by delta: Double) -> ResultsDocument {
        var copy = doc
        copy.aggregates = doc.aggregates.map { a in
            guard a.task == task && a.variant == variant && a.metric == metric else { return a }
            var b = a
            b.mean += delta
            return b
        }
        return copy
    }

    static func write(_ doc: ResultsDocument, _ dir: URL, _ name: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try HarnessJSON.write(doc, to: url)
        return url
    }

    @Test func identicalResultsPassAndSmallMovesStayWithinTolerance() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (results, file) = try Self.baselineRun(dir)
        let same = Gate.compare(results: file, baseline: file)
        #expect(same.exitCode == 0 && same.error == nil)
        #expect(same.comparison?.rows.count == 8 && same.comparison?.rows.allSatisfy { $0.verdict == .within } == true)
        #expect(same.output.contains("nothing moved"))

        // The suite's default tolerance is absolute 0.01: a 0.005 drop in accuracy is within it.
        let slightlyWorse = try Self.write(Self.shifted(results, task: "alpha", variant: "bert", metric: "accuracy", by: -0.005), dir, "slight.json")
        let report = Gate.compare(results: slightlyWorse, baseline: file)
        #expect(report.exitCode == 0)
        #expect(report.output.contains("alpha") && report.output.contains("-0.0050") && report.output.contains("within"))
    }

    @Test func aWorseMoveBeyondToleranceIsARegressionAndABetterOneIsNot() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (results, file) = try Self.baselineRun(dir)
        let worse = try Self.write(Self.shifted(results, task: "alpha", variant: "bert", metric: "accuracy", by: -0.02), dir, "worse.json")
        let regressed = Gate.compare(results: worse, baseline: file)
        #expect(regressed.exitCode == 1)
        #expect(regressed.comparison?.regressions.map(\.key.description) == ["alpha / bert / accuracy (minilm-l6)"])
        #expect(regressed.output.contains("REGRESSED"))

        let better = try Self.write(Self.shifted(results, task: "alpha", variant: "bert", metric: "accuracy", by: 0.02), dir, "better.json")
        let improved = Gate.compare(results: better, baseline: file)
        #expect(improved.exitCode == 0)
        #expect(improved.comparison?.count(.improved) == 1)

        // Loss is lower-is-better (declared in metric_list): a rise is the regression, a drop the improvement.
        let lossUp = try Self.write(Self.shifted(results, task: "alpha", variant: "bert", metric: "loss", by: 0.1), dir, "loss-up.json")
        #expect(Gate.compare(results: lossUp, baseline: file).exitCode == 1)
        let lossDown = try Self.write(Self.shifted(results, task: "alpha", variant: "bert", metric: "loss", by: -0.1), dir, "loss-down.json")
        #expect(Gate.compare(results: lossDown, baseline: file).exitCode == 0)
    }

    @Test func absoluteRelativeAndStdTolerances() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (results, file) = try Self.baselineRun(dir)
        // alpha/bert accuracy: mean 0.52, std 0.01 over three seeds.
        let worse = try Self.write(Self.shifted(results, task: "alpha", variant: "bert", metric: "accuracy", by: -0.015), dir, "worse.json")
        func exit(_ spec: [String: Tolerance], default d: Tolerance? = nil) -> Int32 {
            Gate.compare(results: worse, baseline: file, tolerance: TolerancePolicy(defaultTolerance: d, perMetric: spec)).exitCode
        }
        #expect(exit([:]) == 1)                                   // suite default: absolute 0.01
        #expect(exit([:], default: .absolute(0.02)) == 0)          // CLI default overrides the suite default
        #expect(exit(["accuracy": .absolute(0.01)]) == 1)
        #expect(exit(["accuracy": .relative(0.02)]) == 1)          // 0.02 × 0.52 = 0.0104 < 0.015
        #expect(exit(["accuracy": .relative(0.03)]) == 0)          // 0.0156 ≥ 0.015
        #expect(exit(["accuracy": .std(1)]) == 1)                  // 1 × 0.01
        #expect(exit(["accuracy": .std(2)]) == 0)                  // 2 × 0.01
        let allowed = Gate.compare(results: worse, baseline: file, tolerance: TolerancePolicy(perMetric: ["accuracy": .std(2)]))
            .comparison?.rows.first { $0.key.metric == "accuracy" && $0.key.task == "alpha" && $0.key.variant == "bert" }?.allowed
        #expect(abs((allowed ?? 0) - 0.02) < 1e-12)
        // The suite's per-metric tolerance for loss (relative 0.1) applies unless overridden.
        let lossRow = Gate.compare(results: file, baseline: file).comparison?.rows.first { $0.key.metric == "loss" }
        #expect(lossRow?.tolerance == .relative(0.1))
        #expect(Tolerance(cli: "abs:0.5") == .absolute(0.5) && Tolerance(cli: "rel:0.1") == .relative(0.1) && Tolerance(cli: "std:2") == .std(2))
        #expect(Tolerance(cli: "abs:-1") == nil && Tolerance(cli: "pct:1") == nil && Tolerance(cli: "abs") == nil)
    }

    @Test func missingMetricsFailAndSkippedOnesDoNot() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (results, file) = try Self.baselineRun(dir)
        var missing = results
        missing.aggregates.removeAll { $0.task == "beta" && $0.variant == "bert" }
        let missingFile = try Self.write(missing, dir, "missing.json")
        let report = Gate.compare(results: missingFile, baseline: file)
        #expect(report.exitCode == 1 && report.comparison?.count(.missing) == 2)

        var skipped = missing
        skipped.jobs = skipped.jobs.map { j in
            var j = j
            if j.task == "beta" && j.variant == "bert" { j.status = .skipped; j.metrics = [:] }
            return j
        }
        let skippedFile = try Self.write(skipped, dir, "skipped.json")
        let skippedReport = Gate.compare(results: skippedFile, baseline: file)
        #expect(skippedReport.exitCode == 0 && skippedReport.comparison?.count(.skipped) == 2)
    }

    @Test func malformedOrMissingBaselineExitsTwo() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, file) = try Self.baselineRun(dir)
        let garbage = dir.appendingPathComponent("garbage.json")
        try "{\"schema_version\": 1, \"suite\": 3}".write(to: garbage, atomically: true, encoding: .utf8)
        let bad = Gate.compare(results: file, baseline: garbage)
        #expect(bad.exitCode == 2)
        #expect(bad.error?.contains(garbage.path) == true)
        #expect(bad.error?.contains("`suite`") == true)
        let notJSON = dir.appendingPathComponent("text.json")
        try "accuracy 0.5".write(to: notJSON, atomically: true, encoding: .utf8)
        #expect(Gate.compare(results: file, baseline: notJSON).exitCode == 2)
        #expect(Gate.compare(results: file, baseline: dir.appendingPathComponent("none.json")).exitCode == 2)
    }

    @Test func stdToleranceWithOneSeedIsAUsageError() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("suite: one\nmodel: minilm-l6\nseeds: [1]\nvariants: [bert]\ntasks: [{task: a, plugin: echo.task}]\n", to: dir)
        let summary = try SuiteRunner(registry: TestSupport.registry(), options: TestSupport.options(output: dir), console: RecordingConsole()).run(suitePath: path)
        let file = OutputLayout(summary.outputDirectory).results
        let report = Gate.compare(results: file, baseline: file, tolerance: TolerancePolicy(defaultTolerance: .std(2)))
        #expect(report.exitCode == 2)
        #expect(report.error?.contains("needs at least two seeds") == true)
    }

    @Test func runAppliesTheSuiteBaselineAndExitsAccordingly() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (results, _) = try Self.baselineRun(dir.appendingPathComponent("first"))
        // A baseline that claims beta/bermo accuracy used to be 0.1 higher.
        let baseline = try Self.write(Self.shifted(results, task: "beta", variant: "bermo-last2", metric: "accuracy", by: 0.1), dir, "baseline.json")
        let suiteText = try String(contentsOfFile: TestSupport.suite("good/echo.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "include: [common.yaml]", with: "include: [\(TestSupport.suite("good/common.yaml"))]")
            + "baseline: \(baseline.lastPathComponent)\n"
        let path = try TestSupport.write(suiteText, to: dir)
        let summary = try SuiteRunner(registry: TestSupport.registry(), options: TestSupport.options(output: dir), console: RecordingConsole()).run(suitePath: path)
        #expect(summary.comparison?.hasRegression == true)
        #expect(summary.exitCode == 1)
        let junit = try String(contentsOf: OutputLayout(summary.outputDirectory).junit, encoding: .utf8)
        #expect(junit.contains("<failure type=\"regression\""))

        // A sharded run does not gate (it has only part of the metrics) and says so.
        var sharded = TestSupport.options(output: dir)
        sharded.outputDirectory = dir.appendingPathComponent("shard", isDirectory: true)
        sharded.shard = try Shard(index: 1, count: 2)
        let shard = try SuiteRunner(registry: TestSupport.registry(), options: sharded, console: RecordingConsole()).run(suitePath: path)
        #expect(shard.comparison == nil && shard.exitCode == 0 && shard.notes.contains { $0.contains("bermo merge") })
    }
}
