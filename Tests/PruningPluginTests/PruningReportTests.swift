@testable import BermoHarness
import BermoRuntime
import Foundation
@testable import GLUEPlugin
@testable import PruningPlugin
import Testing

@Suite("Pruning stability report")
struct PruningReportTests {
    func job(_ task: String, _ variant: String, seed: Int, status: JobStatus = .completed, score: Double? = nil,
             remaining: Double? = 0.1, divergedAt: Int? = nil) -> PruningReport.Job {
        PruningReport.Job(task: task, variant: variant, seed: seed, method: "movement", finalThreshold: 0.1, finalLambda: 0,
                          status: status, divergedAtStep: divergedAt, finalScore: score, majorityScore: 0.509, remainingWeights: remaining)
    }

    @Test("seeds are counted as learned, at the majority level (within one point) or diverged")
    func outcomes() {
        let jobs = [job("movement-10", "bert", seed: 1, score: 0.509), job("movement-10", "bert", seed: 2, score: 0.515),
                    job("movement-10", "bert", seed: 3, status: .diverged, divergedAt: 125),
                    job("movement-10", "bermo", seed: 1, score: 0.79), job("movement-10", "bermo", seed: 2, score: 0.77),
                    job("movement-10", "bermo", seed: 3, score: 0.515)]
        let rows = PruningReport.rows(jobs)
        #expect(rows.map(\.variant) == ["bert", "bermo"])
        let bert = rows[0], bermo = rows[1]
        #expect(bert.learned == 0 && bert.majority == 2 && bert.diverged == 1 && bert.divergedAt == [125] && bert.failureRate == 1)
        #expect(bermo.learned == 2 && bermo.majority == 1 && bermo.diverged == 0)
        #expect(abs(bermo.failureRate - 1.0 / 3) < 1e-12)
        // Scores over completed seeds only: (0.509 + 0.515) / 2; std of two values = |a − b| / √2.
        #expect(abs(bert.score!.mean - 0.512) < 1e-12 && abs(bert.score!.std - 0.006 / 2.0.squareRoot()) < 1e-12)
        #expect(abs(bert.remaining!.mean - 0.1) < 1e-12)
        let md = PruningReport.markdown(rows)
        #expect(md.contains("| movement-10 | movement | bert | 3 | 0 | 2 | 1 (125) | 100% | 51.20 ± 0.42 | 10.00 ± 0.00 |"))
    }

    @Test("a job record of glue.prune is read with its majority level; other plugins' records are not")
    func readsRecords() throws {
        func record(plugin: String, status: JobStatus) throws -> JobRecord {
            var config = GLUEPrunePlugin.Config()
            config.glue.glueTask = .sst2
            config.pruning = PruningSpec(method: .l0, finalThreshold: 0.1)
            config.pruning.finalLambda = 8
            let details = GLUERunResult(task: .sst2, head: .bermo, seed: 2, status: status == .diverged ? .diverged : .completed,
                                        steps: 75, plannedSteps: 100, curve: [], finalMetrics: [:],
                                        majorityBaseline: ["dev": ["accuracy": 0.509, "score": 0.509]], trainExamples: 8,
                                        evalExamples: ["dev": 8], skippedRows: [], dataNotes: [], trainSeconds: 1, trainExamplesPerSecond: 8)
            return JobRecord(schemaVersion: JobRecord.schemaVersion, id: "abc", suite: "s", model: .init(name: "m", weightsSha256: "00"),
                             variant: ["name": "bermo"], task: "l0-10", plugin: .init(id: plugin, version: 2), bermo: .current, seed: 2,
                             status: status, divergedAtStep: status == .diverged ? 75 : nil,
                             metrics: ["score": 0.8, "remaining_weights": 0.12], metricDeclarations: [], series: [],
                             details: try JSONValue(encoding: details), configuration: config.settingsJSON(resultsOnly: true),
                             dataFiles: [], timing: .init(startedAt: "2026-11-27T00:00:00Z", seconds: 1))
        }
        let j = try #require(try PruningReport.Job(record: record(plugin: "glue.prune", status: .completed)))
        #expect(j.method == "l0" && j.finalLambda == 8 && j.seed == 2 && j.variant == "bermo")
        #expect(j.majorityScore == 0.509 && j.finalScore == 0.8 && j.remainingWeights == 0.12 && j.outcome() == .learned)
        let d = try #require(try PruningReport.Job(record: record(plugin: "glue.prune", status: .diverged)))
        #expect(d.outcome() == .diverged && d.finalScore == nil && d.divergedAtStep == 75)
        #expect(try PruningReport.Job(record: record(plugin: "glue.finetune", status: .completed)) == nil)
    }
}

@Suite("Pruning sparsity charts")
struct PruningChartTests {
    @Test("one chart per method, a line per variant through its levels at the seed means")
    func charts() {
        func job(_ task: String, _ v: String, _ seed: Int, _ score: Double?, _ remaining: Double, status: JobStatus = .completed) -> PruningReport.Job {
            PruningReport.Job(task: task, variant: v, seed: seed, method: "l0", finalThreshold: 0.1, finalLambda: 1, status: status,
                              finalScore: score, majorityScore: 0.5, remainingWeights: remaining)
        }
        let jobs = [job("l0-a", "bert", 1, 0.80, 0.20), job("l0-a", "bert", 2, 0.78, 0.22),
                    job("l0-b", "bert", 1, nil, 0.05, status: .diverged), job("l0-b", "bert", 2, 0.70, 0.04),
                    job("l0-a", "bermo", 1, 0.81, 0.10)]
        let charts = PruningReport.charts(PruningReport.rows(jobs))
        #expect(charts.count == 1 && charts[0].curve == "l0")
        let lines = charts[0].chart.lines
        #expect(lines.map(\.label) == ["bert", "bermo"])
        // Sorted by x: l0-b (only its completed seed: the diverged one has no score) then l0-a.
        #expect(lines[0].points.count == 2)
        #expect(abs(lines[0].points[0].x - 4) < 1e-9 && abs(lines[0].points[0].mean - 70) < 1e-9)
        #expect(abs(lines[0].points[1].x - 21) < 1e-9 && abs(lines[0].points[1].mean - 79) < 1e-9)
        #expect(lines[0].points[1].upper > 79 && lines[0].points[1].lower < 79)
        #expect(charts[0].chart.render().contains("<svg"))
    }
}

@Suite("Equal-sparsity comparison")
struct EqualSparsityTests {
    typealias Level = EqualSparsity.Level

    @Test("interpolates linearly in log(remaining) and never extrapolates")
    func interpolation() throws {
        let curve = [Level(task: "a", remaining: 0.01, score: 0.4), Level(task: "b", remaining: 0.10, score: 0.6)]
        // Halfway in log space between 1% and 10% is sqrt(0.1) ≈ 3.16%.
        #expect(abs(try #require(EqualSparsity.interpolate(curve, at: sqrt(0.001))) - 0.5) < 1e-12)
        #expect(EqualSparsity.interpolate(curve, at: 0.10) == 0.6)
        #expect(EqualSparsity.interpolate(curve, at: 0.005) == nil)
        #expect(EqualSparsity.interpolate(curve, at: 0.2) == nil)
    }

    @Test("rows at every level inside the overlap; the mean difference is the log-space average")
    func comparison() throws {
        // Baseline covers 1%–100%, candidate 0.1%–10%: overlap 1%–10%.
        let b = [Level(task: "b1", remaining: 0.01, score: 0.50), Level(task: "b2", remaining: 0.10, score: 0.70),
                 Level(task: "b3", remaining: 1.0, score: 0.80)]
        let c = [Level(task: "c1", remaining: 0.001, score: 0.40), Level(task: "c2", remaining: 0.01, score: 0.60),
                 Level(task: "c3", remaining: 0.10, score: 0.70)]
        let r = EqualSparsity.compare(curve: "l0", baseline: b, candidate: c, baselineName: "bert", candidateName: "bermo")
        #expect(r.overlap == 0.01...0.10)
        // Both heads measured 1% and 10%: one row per level, naming both.
        #expect(r.rows.map(\.remaining) == [0.01, 0.10])
        #expect(r.rows[0].measuredBy == ["bert: b1, 1/1 seeds", "bermo: c2, 1/1 seeds"] && r.rows[1].measuredBy.count == 2)
        #expect(abs(r.rows[0].difference - 0.10) < 1e-12 && abs(r.rows[1].difference) < 1e-12)
        // The difference falls linearly in log x from +0.10 to 0: its average over the overlap is +0.05.
        #expect(abs(try #require(r.meanDifference) - 0.05) < 1e-12)
    }

    @Test("a level only one head measured gets the other's interpolated score")
    func interpolatedRow() throws {
        let b = [Level(task: "b1", remaining: 0.01, score: 0.50), Level(task: "b2", remaining: 0.10, score: 0.70)]
        let c = [Level(task: "c1", remaining: 0.02, score: 0.65), Level(task: "c2", remaining: 0.5, score: 0.8)]
        let r = EqualSparsity.compare(curve: "l0", baseline: b, candidate: c, baselineName: "bert", candidateName: "bermo")
        #expect(r.overlap == 0.02...0.10)
        #expect(r.rows.map(\.measuredBy) == [["bermo: c1, 1/1 seeds"], ["bert: b2, 1/1 seeds"]])
        let expectedBert = 0.50 + 0.20 * log(2) / log(10)  // bert at 2%, log-interpolated between 1% and 10%
        #expect(abs(r.rows[0].baseline - expectedBert) < 1e-12 && r.rows[0].candidate == 0.65)
        let md = EqualSparsity.markdown([r], baseline: "bert", candidate: "bermo")
        #expect(md.contains("overlap 2.00%–10.00%") && md.contains("| 2.00% |") && md.contains("| bermo: c1, 1/1 seeds |"))
        // A difference below half a hundredth of a point prints as +0.00, not -0.00.
        let tiny = EqualSparsity.compare(curve: "l0", baseline: [Level(task: "b", remaining: 0.05, score: 0.700001)],
                                         candidate: [Level(task: "c", remaining: 0.05, score: 0.7)])
        let tinyText = EqualSparsity.markdown([tiny], baseline: "bert", candidate: "bermo")
        #expect(tinyText.contains("| +0.00 |") && !tinyText.contains("-0.00"))
    }

    @Test("disjoint ranges give no comparison and say how to get one")
    func disjoint() {
        let b = [Level(task: "b", remaining: 0.2, score: 0.8), Level(task: "b2", remaining: 0.5, score: 0.8)]
        let c = [Level(task: "c", remaining: 0.01, score: 0.7)]
        let r = EqualSparsity.compare(curve: "soft_movement", baseline: b, candidate: c)
        #expect(r.overlap == nil && r.rows.isEmpty && r.meanDifference == nil)
        let md = EqualSparsity.markdown([r], baseline: "bert", candidate: "bermo")
        #expect(md.contains("no equal-sparsity comparison") && md.contains("20.00%–50.00%") && md.contains("widen the final_lambda grid"))
    }

    @Test("levels come from completed seeds of report rows, per method and variant")
    func fromRows() {
        func job(_ task: String, _ v: String, _ seed: Int, _ score: Double?, _ remaining: Double, status: JobStatus = .completed) -> PruningReport.Job {
            PruningReport.Job(task: task, variant: v, seed: seed, method: "l0", finalThreshold: 0.1, finalLambda: 1, status: status,
                              finalScore: score, majorityScore: 0, remainingWeights: remaining)
        }
        let rows = PruningReport.rows([job("l0-1", "bert", 1, 0.6, 0.30), job("l0-1", "bert", 2, 0.8, 0.10),
                                       job("l0-9", "bert", 1, nil, 0.02, status: .diverged),
                                       job("l0-1", "bermo", 1, 0.7, 0.05), job("l0-9", "bermo", 1, 0.5, 0.01)])
        let bert = EqualSparsity.levels(rows, curve: "l0", variant: "bert")
        #expect(bert.count == 1 && abs(bert[0].remaining - 0.2) < 1e-12 && abs(bert[0].score - 0.7) < 1e-12)
        #expect(bert[0].completed == 2 && bert[0].seeds == 2)  // l0-9 (one diverged seed, no completed one) gives no level
        #expect(EqualSparsity.levels(rows, curve: "l0", variant: "bermo").map(\.task) == ["l0-9", "l0-1"])
        let comparisons = EqualSparsity.compare(rows, baseline: "bert", candidate: "bermo")
        #expect(comparisons.count == 1 && comparisons[0].overlap == nil)
    }
}

@Suite("Pruning curves by method and settings")
struct PruningCurveTests {
    func job(_ task: String, _ lambda: Double, settings: [String: String], remaining: Double) -> PruningReport.Job {
        PruningReport.Job(task: task, variant: "bert", seed: 1, method: "l0", finalThreshold: 0.1, finalLambda: lambda,
                          status: .completed, finalScore: 0.8, majorityScore: 0, remainingWeights: remaining, settings: settings)
    }

    @Test("jobs of one method whose settings differ beyond the level are separate curves, labelled by what differs")
    func curves() {
        let common = ["initial_warmup": "1", "final_warmup": "2"]
        let jobs = [job("l0-l1", 1, settings: common, remaining: 0.9),
                    job("l0-s5-l45", 45, settings: common.merging(["mask_scale": "5"]) { a, _ in a }, remaining: 0.85),
                    job("l0-s5-l150", 150, settings: common.merging(["mask_scale": "5"]) { a, _ in a }, remaining: 0.4)]
        let rows = PruningReport.rows(jobs)
        #expect(rows.map(\.curve) == ["l0 (mask_scale default)", "l0 (mask_scale 5)", "l0 (mask_scale 5)"])
        #expect(PruningReport.charts(rows).map(\.curve) == ["l0 (mask_scale default)", "l0 (mask_scale 5)"])
        #expect(EqualSparsity.levels(rows, curve: "l0 (mask_scale 5)", variant: "bert").map(\.task) == ["l0-s5-l150", "l0-s5-l45"])
        // Settings shared by every job of the method (and the level itself) do not split curves.
        #expect(PruningReport.rows([job("a", 1, settings: common, remaining: 0.5), job("b", 9, settings: common, remaining: 0.1)])
            .allSatisfy { $0.curve == "l0" })
    }
}
