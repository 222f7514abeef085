@testable import BermoHarness
import Foundation
import Testing

/// The noise-aware gate: a drop beyond the tolerance is a regression only when a one-sided t-test on the
/// two runs' per-seed values says seed noise is unlikely to explain it. Expected p-values are scipy's
/// (`scipy.stats.ttest_ind(current, baseline, alternative='less')`, Welch or pooled).
@Suite struct NoiseGateTests {
    /// The echo suite's results (alpha/bert accuracy: 0.51, 0.52, 0.53 over seeds 1–3) and a copy whose
    /// alpha/bert accuracy has the per-seed `values` instead.
    static func runs(_ dir: URL, current values: [Double]) throws -> (baseline: URL, current: URL) {
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        var current = summary.results
        current.aggregates = current.aggregates.map { a in
            guard a.task == "alpha" && a.variant == "bert" && a.metric == "accuracy" else { return a }
            var b = a
            b.values = values.enumerated().map { Aggregate.SeedValue(seed: $0.offset + 1, value: $0.element) }
            (b.mean, b.std) = Aggregate.statistics(values)
            b.n = values.count
            return b
        }
        let file = dir.appendingPathComponent("current.json")
        try HarnessJSON.write(current, to: file)
        return (OutputLayout(summary.outputDirectory).results, file)
    }

    static func row(_ report: Gate.Report) -> MetricComparison? {
        report.comparison?.rows.first { $0.key.task == "alpha" && $0.key.variant == "bert" && $0.key.metric == "accuracy" }
    }

    static let welch = TolerancePolicy(defaultTolerance: .welch(.absolute(0.01), level: 0.05))

    @Test func aDropInsideSeedNoiseIsNotARegression() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Mean 0.50: a drop of 0.02, twice the tolerance, but the seeds spread by 0.05.
        let (baseline, current) = try Self.runs(dir, current: [0.44, 0.52, 0.54])
        #expect(Gate.compare(results: current, baseline: baseline).exitCode == 1, "the plain tolerance calls it a regression")
        let report = Gate.compare(results: current, baseline: baseline, tolerance: Self.welch)
        #expect(report.exitCode == 0)
        let row = try #require(Self.row(report))
        #expect(row.verdict == .within && row.insideNoise && row.movedBeyondTolerance)
        let noise = try #require(row.noise)
        #expect(noise.test?.method == .welch && noise.note == nil)
        #expect(abs((noise.pWorse ?? 0) - 0.2910450409527447) < 1e-9)
        #expect(report.output.contains("within (seed noise)") && report.output.contains("Welch p(worse)=0.29 ≥ 0.05"))
        #expect(report.output.contains("1 of them beyond it but inside seed noise"))
    }

    @Test func aClearDropIsARegressionWithItsPValue() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Mean 0.50 with the baseline's spread (0.01): the same 0.02 drop is now unlikely under seed noise.
        let (baseline, current) = try Self.runs(dir, current: [0.49, 0.50, 0.51])
        let report = Gate.compare(results: current, baseline: baseline, tolerance: Self.welch)
        #expect(report.exitCode == 1)
        let row = try #require(Self.row(report))
        #expect(row.verdict == .regressed && !row.insideNoise)
        #expect(abs((row.noise?.pWorse ?? 1) - 0.03524199845510996) < 1e-9 && row.noise?.test?.degreesOfFreedom == 4)
        #expect(report.output.contains("REGRESSED") && report.output.contains("Welch p(worse)=0.035 < 0.05"))
        // A stricter level lets the same drop pass as noise.
        let strict = Gate.compare(results: current, baseline: baseline,
                                  tolerance: TolerancePolicy(defaultTolerance: .welch(.absolute(0.01), level: 0.01)))
        #expect(strict.exitCode == 0 && Self.row(strict)?.insideNoise == true)
        // A drop inside the tolerance stays within it whatever the test says.
        let loose = Gate.compare(results: current, baseline: baseline,
                                 tolerance: TolerancePolicy(defaultTolerance: .welch(.absolute(0.03), level: 0.05)))
        #expect(loose.exitCode == 0 && Self.row(loose)?.verdict == .within && Self.row(loose)?.insideNoise == false)
        // Markdown (summary.md, PR comments) has the same column.
        #expect(ComparisonTable.markdown(try #require(report.comparison)).contains("| seed-noise test |"))
    }

    @Test func improvementsNeedTheTestToo() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (baseline, current) = try Self.runs(dir, current: [0.55, 0.56, 0.57])
        let row = try #require(Self.row(Gate.compare(results: current, baseline: baseline, tolerance: Self.welch)))
        #expect(row.verdict == .improved && abs((row.noise?.pBetter ?? 1) - 0.004024946550418817) < 1e-9)
        let (b2, noisy) = try Self.runs(dir.appendingPathComponent("noisy"), current: [0.50, 0.52, 0.62])
        #expect(Self.row(Gate.compare(results: noisy, baseline: b2, tolerance: Self.welch))?.verdict == .within)
    }

    @Test func oneSeedOnOneSideUsesThePooledTestAndSaysSo() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // One current seed 0.03 below a three-seed baseline: Student's pooled test, df 2.
        let (baseline, current) = try Self.runs(dir, current: [0.49])
        let report = Gate.compare(results: current, baseline: baseline, tolerance: Self.welch)
        let row = try #require(Self.row(report))
        let noise = try #require(row.noise)
        #expect(noise.test?.method == .pooled && noise.test?.degreesOfFreedom == 2)
        #expect(abs((noise.pWorse ?? 0) - 0.06084496717316007) < 1e-9)
        #expect(noise.note == "the current run has 1 seed: pooled test on the other run's seed variance")
        #expect(row.insideNoise && report.exitCode == 0)
        #expect(report.output.contains("Student p(worse)=0.061 ≥ 0.05 — the current run has 1 seed"))
    }

    @Test func oneSeedOnBothSidesFallsBackToThePlainTolerance() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("suite: one\nmodel: minilm-l6\nseeds: [1]\nvariants: [bert]\ntasks: [{task: a, plugin: echo.task}]\n", to: dir)
        let summary = try SuiteRunner(registry: TestSupport.registry(), options: TestSupport.options(output: dir), console: RecordingConsole()).run(suitePath: path)
        var worse = summary.results
        worse.aggregates = worse.aggregates.map { a in
            var b = a
            if a.metric == "accuracy" { b.values = [Aggregate.SeedValue(seed: 1, value: a.mean - 0.02)]; b.mean -= 0.02 }
            return b
        }
        let file = dir.appendingPathComponent("worse.json")
        try HarnessJSON.write(worse, to: file)
        let report = Gate.compare(results: file, baseline: OutputLayout(summary.outputDirectory).results, tolerance: Self.welch)
        #expect(report.exitCode == 1)
        let row = try #require(report.comparison?.rows.first { $0.key.metric == "accuracy" })
        #expect(row.verdict == .regressed && row.noise?.test == nil && row.noise?.pWorse == nil)
        #expect(row.noise?.note == "1 seed in each run: no seed variance to test against, the plain tolerance decides")
        #expect(report.output.contains("no test (1 seed each) — 1 seed in each run"))
    }

    @Test func toleranceFormsOnTheCommandLineAndInSuites() throws {
        #expect(Tolerance(cli: "abs:0.01,welch:0.05") == .welch(.absolute(0.01), level: 0.05))
        #expect(Tolerance(cli: "std:2,welch:0.01") == .welch(.std(2), level: 0.01))
        for bad in ["abs:0.01,welch:0", "abs:0.01,welch:1", "abs:0.01,welch:x", "abs:0.01,wilcoxon:0.05", "abs:0.01,welch:0.05,welch:0.1", "welch:0.05",
                    "abs:0.01,"] {
            #expect(Tolerance(cli: bad) == nil, "\(bad)")
        }
        let t = Tolerance.welch(.relative(0.02), level: 0.1)
        #expect(t.base == .relative(0.02) && t.significanceLevel == 0.1 && Tolerance.absolute(1).significanceLevel == nil)
        #expect(Tolerance(json: t.json) == t && t.json == ["relative": .double(0.02), "welch": .double(0.1)])
        #expect(Tolerance(json: ["absolute": .double(0.01), "welch": .double(3)]) == nil)
        #expect("\(t)" == "relative 0.02, Welch 0.1")

        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func load(_ tolerance: String) throws -> Suite {
            try SuiteLoader().load(try TestSupport.write("suite: s\nmodel: minilm-l6\ntasks: [{task: a, plugin: echo.task}]\ntolerance: \(tolerance)\n", to: dir))
        }
        let full = try load("{default: {absolute: 0.01, welch: 0.05}, metrics: {loss: {relative: 0.1, welch: 0.01}}}").tolerance
        #expect(full.defaultTolerance == .welch(.absolute(0.01), level: 0.05) && full.perMetric["loss"] == .welch(.relative(0.1), level: 0.01))
        #expect(try load("{std: 2, welch: 0.05}").tolerance.defaultTolerance == .welch(.std(2), level: 0.05))
        func error(_ tolerance: String) -> String {
            do { _ = try load(tolerance); return "" } catch { return "\(error)" }
        }
        #expect(error("{welch: 0.05}").contains("give exactly one of absolute, relative, std (found 0)"))
        #expect(error("{absolute: 0.01, welch: 1.5}").contains("suite.yaml:4:36") && error("{absolute: 0.01, welch: 1.5}").contains("strictly between 0 and 1"))
        #expect(error("{absolute: 0.01, welsh: 0.05}").contains("did you mean `welch`?"))
    }

    @Test func theSuiteNoiseAwareToleranceTravelsInResults() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let suite = try String(contentsOfFile: TestSupport.suite("good/echo.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "include: [common.yaml]", with: "include: [\(TestSupport.suite("good/common.yaml"))]")
            + "tolerance: {default: {absolute: 0.01, welch: 0.05}}\n"
        let summary = try SuiteRunner(registry: TestSupport.registry(), options: TestSupport.options(output: dir), console: RecordingConsole())
            .run(suitePath: try TestSupport.write(suite, to: dir))
        #expect(summary.results.tolerance.defaultTolerance == .welch(.absolute(0.01), level: 0.05))
        let file = OutputLayout(summary.outputDirectory).results
        let report = Gate.compare(results: file, baseline: file)
        #expect(report.exitCode == 0 && report.comparison?.rows.filter { $0.key.metric == "accuracy" }.allSatisfy { $0.noise?.test?.method == .welch } == true)
    }
}
