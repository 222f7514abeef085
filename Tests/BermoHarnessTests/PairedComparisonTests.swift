@testable import BermoHarness
import Foundation
import Testing

/// `results.json`'s comparisons: pairing by seed, seeds one variant lacks, too few seeds, the metrics
/// compared, the declared pairs, and the JSON every reader codes against.
@Suite struct PairedComparisonTests {
    static func aggregate(_ variant: String, _ values: [(seed: Int, value: Double)], metric: String = "accuracy",
                          task: String = "tense", higherIsBetter: Bool = true) -> Aggregate {
        let (mean, std) = Aggregate.statistics(values.map(\.value))
        return Aggregate(model: "minilm-l6", variant: variant, task: task, group: "senteval", metric: metric, higherIsBetter: higherIsBetter,
                         values: values.map { Aggregate.SeedValue(seed: $0.seed, value: $0.value) }, mean: mean, std: std, n: values.count)
    }

    static let pair = VariantPair(variant: "bermo", against: "bert")

    @Test func differencesArePairedBySeedAndUnpairedSeedsAreNamed() throws {
        // bert misses seed 4, bermo misses seed 2: seeds 1, 3, 5 pair, in bermo's order.
        let bert = Self.aggregate("bert", [(1, 0.80), (2, 0.79), (3, 0.83), (5, 0.81)])
        let bermo = Self.aggregate("bermo", [(5, 0.84), (1, 0.815), (3, 0.835), (4, 0.9)])
        let c = PairedComparison(variant: bermo, reference: bert, pair: Self.pair)
        #expect(c.pairs.map(\.seed) == [5, 1, 3])
        #expect(c.pairs.map(\.variant) == [0.84, 0.815, 0.835] && c.pairs.map(\.reference) == [0.81, 0.80, 0.83])
        let differences = [0.84 - 0.81, 0.815 - 0.80, 0.835 - 0.83]
        #expect(c.pairs.map(\.difference) == differences)
        #expect(c.n == 3)
        let mean = differences.reduce(0, +) / 3
        let std = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        let meanDifference = try #require(c.meanDifference)
        let stdDifference = try #require(c.stdDifference)
        #expect(abs(meanDifference - mean) < 1e-15 && abs(stdDifference - std) < 1e-15)
        // Student t, 2 degrees of freedom: t_0.975 = 4.302652729911275 (scipy.stats.t.ppf(0.975, 2)).
        let interval = try #require(c.interval)
        #expect(interval.method == .studentT && interval.level == 0.95)
        #expect(abs(interval.low - (mean - 4.302652729911275 * std / 3.0.squareRoot())) < 1e-10)
        #expect(abs(interval.high - (mean + 4.302652729911275 * std / 3.0.squareRoot())) < 1e-10)
        #expect(c.excludesZero == (interval.low > 0 || interval.high < 0))
        #expect(c.note == "seed 4 completed only in `bermo`: left out; seed 2 completed only in `bert`: left out")
    }

    @Test func oneSeedGivesNoIntervalAndSaysSo() {
        let c = PairedComparison(variant: Self.aggregate("bermo", [(1, 0.84)]), reference: Self.aggregate("bert", [(1, 0.80)]), pair: Self.pair)
        #expect(c.n == 1 && abs((c.meanDifference ?? 0) - 0.04) < 1e-15)
        #expect(c.stdDifference == nil && c.interval == nil && c.excludesZero == nil)
        #expect(c.note == "not enough seeds: 1 paired seed, an interval needs at least 2")
    }

    @Test func nothingPairedIsReportedWithNoNumbers() {
        let disjoint = PairedComparison(variant: Self.aggregate("bermo", [(1, 0.84), (2, 0.85)]), reference: Self.aggregate("bert", [(3, 0.80)]),
                                        pair: Self.pair)
        #expect(disjoint.n == 0 && disjoint.meanDifference == nil && disjoint.interval == nil && disjoint.excludesZero == nil)
        #expect(disjoint.note == "no seed completed in both `bermo` and `bert`; seeds 1, 2 completed only in `bermo`: left out; "
            + "seed 3 completed only in `bert`: left out")
        let absent = PairedComparison(variant: nil, reference: Self.aggregate("bert", [(1, 0.80), (2, 0.81)]), pair: Self.pair)
        #expect(absent.n == 0 && absent.task == "tense" && absent.metric == "accuracy" && absent.variant == "bermo")
        #expect(absent.note == "no completed job of `bermo`: nothing to pair")
    }

    @Test func equalDifferencesGiveAZeroWidthIntervalWithANote() throws {
        let c = PairedComparison(variant: Self.aggregate("bermo", [(1, 0.85), (2, 0.86)]), reference: Self.aggregate("bert", [(1, 0.80), (2, 0.81)]),
                                 pair: Self.pair)
        let interval = try #require(c.interval)
        #expect(abs(interval.low - interval.high) < 1e-15 && c.excludesZero == true)
        #expect(c.note == "every paired difference is the same: the interval has zero width")
    }

    /// A job record as a plugin's run leaves it: `loss` lower-is-better, `status` as given.
    static func record(_ variant: String, seed: Int, accuracy: Double, status: JobStatus = .completed) -> JobRecord {
        JobRecord(schemaVersion: JobRecord.schemaVersion, id: "\(variant)-\(seed)", suite: "s", model: .init(name: "minilm-l6", weightsSha256: "00"),
                  variant: ["name": .string(variant)], task: "tense", group: nil, plugin: .init(id: "echo.task", version: 1), bermo: .current,
                  seed: seed, status: status, divergedAtStep: status == .diverged ? 7 : nil,
                  metrics: status == .completed ? ["accuracy": accuracy, "loss": 1 - accuracy] : [:],
                  metricDeclarations: [MetricDeclaration("accuracy"), MetricDeclaration("loss", higherIsBetter: false)], series: [],
                  details: .null, configuration: .null, dataFiles: [], timing: .init(startedAt: "2026-12-08T00:00:00Z", seconds: 1))
    }

    @Test func buildingResultsFromRecordsPairsCompletedSeedsOnly() throws {
        // bert seed 3 diverged: seeds 1 and 2 pair; bermo's seed 3 is named as left out.
        let records = [Self.record("bert", seed: 1, accuracy: 0.80), Self.record("bert", seed: 2, accuracy: 0.82),
                       Self.record("bert", seed: 3, accuracy: 0, status: .diverged),
                       Self.record("bermo", seed: 1, accuracy: 0.83), Self.record("bermo", seed: 2, accuracy: 0.84),
                       Self.record("bermo", seed: 3, accuracy: 0.85)]
        let suite = ResultsDocument.SuiteInfo(name: "s", hash: "h", file: "s.yaml", description: nil, tolerance: .null)
        let results = ResultsDocument.build(suite: suite, plannedJobs: records.map(\.id), records: records, failures: [],
                                            shard: nil, limit: nil, threads: 1)
        let comparisons = try #require(results.comparisons)
        #expect(comparisons.map(\.metric) == ["accuracy", "loss"] && comparisons.allSatisfy { $0.variant == "bermo" && $0.reference == "bert" })
        let accuracy = comparisons[0], loss = comparisons[1]
        #expect(accuracy.pairs.map(\.seed) == [1, 2] && accuracy.pairs.map(\.difference) == [0.83 - 0.80, 0.84 - 0.82])
        #expect(accuracy.higherIsBetter && !loss.higherIsBetter)
        #expect(loss.pairs.map(\.difference) == [(1 - 0.83) - (1 - 0.80), (1 - 0.84) - (1 - 0.82)])
        #expect(accuracy.note == "seed 3 completed only in `bermo`: left out")
        let mean = (0.83 - 0.80 + 0.84 - 0.82) / 2
        #expect(abs((accuracy.meanDifference ?? 0) - mean) < 1e-15 && accuracy.interval?.method == .studentT)
    }

    @Test func everyPairComparesTheMetricsBothVariantsReport() {
        let aggregates = [
            Self.aggregate("bert", [(1, 0.80), (2, 0.81)]), Self.aggregate("bert", [(1, 0.84), (2, 0.85)], metric: "best_layer_accuracy"),
            Self.aggregate("bermo", [(1, 0.83), (2, 0.83)]), Self.aggregate("last4", [(1, 0.82)]),
            Self.aggregate("bert", [(1, 0.60), (2, 0.61)], task: "bigram_shift"),
        ]
        let pairs = VariantPair.defaults(variants: ["bert", "bermo", "last4"])
        #expect(pairs == [VariantPair(variant: "bermo", against: "bert"), VariantPair(variant: "last4", against: "bert")])
        let comparisons = PairedComparison.compute(aggregates, pairs: pairs)
        // best_layer_accuracy is bert's alone: nothing to pair. bigram_shift has no bermo or last4 job: listed with n = 0.
        #expect(comparisons.map { "\($0.task)/\($0.variant)/\($0.metric)/\($0.n)" }
            == ["tense/bermo/accuracy/2", "tense/last4/accuracy/1", "bigram_shift/bermo/accuracy/0", "bigram_shift/last4/accuracy/0"])
        #expect(VariantPair.defaults(variants: ["bermo", "last4"]).isEmpty)
    }

    @Test func jsonHasEveryDocumentedKeyWithNullsWhereNothingExists() throws {
        let one = PairedComparison(variant: Self.aggregate("bermo", [(1, 0.84)]), reference: Self.aggregate("bert", [(1, 0.80)]), pair: Self.pair)
        let object = try #require(try JSONSerialization.jsonObject(with: HarnessJSON.encoder().encode(one)) as? [String: Any])
        #expect(Set(object.keys) == ["model", "task", "group", "metric", "higher_is_better", "variant", "reference", "pairs", "n",
                                     "mean_difference", "std_difference", "interval", "excludes_zero", "note"])
        #expect(object["interval"] is NSNull && object["std_difference"] is NSNull && object["excludes_zero"] is NSNull)
        let pairs = try #require(object["pairs"] as? [[String: Any]])
        #expect(pairs.count == 1 && Set(pairs[0].keys) == ["seed", "variant", "reference", "difference"])
        let two = PairedComparison(variant: Self.aggregate("bermo", [(1, 0.84), (2, 0.82)]), reference: Self.aggregate("bert", [(1, 0.80), (2, 0.81)]),
                                   pair: Self.pair)
        let twoObject = try #require(try JSONSerialization.jsonObject(with: HarnessJSON.encoder().encode(two)) as? [String: Any])
        let interval = try #require(twoObject["interval"] as? [String: Any])
        #expect(Set(interval.keys) == ["level", "low", "high", "method"] && interval["method"] as? String == "student-t")
        #expect(try HarnessJSON.decoder().decode(PairedComparison.self, from: HarnessJSON.encoder().encode(two)) == two)
    }

    @Test func aRunWritesComparisonsOfTheDeclaredPairs() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Default: bermo-last2 against bert (echo: bermo heads score 0.05 more on every seed).
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        let written = try ResultsDocument.read(OutputLayout(summary.outputDirectory).results)
        #expect(written.schemaVersion == 3 && written.suite.compare == [VariantPair(variant: "bermo-last2", against: "bert")])
        let comparisons = try #require(written.comparisons)
        #expect(comparisons.map { "\($0.task)/\($0.metric)" } == ["alpha/accuracy", "alpha/loss", "beta/accuracy", "beta/loss"])
        #expect(comparisons == PairedComparison.compute(written.aggregates, pairs: [VariantPair(variant: "bermo-last2", against: "bert")]))
        #expect(comparisons.allSatisfy { $0.n == 3 && abs(abs($0.meanDifference ?? 0) - 0.05) < 1e-12 && $0.excludesZero == true })
        let markdown = try String(contentsOf: OutputLayout(summary.outputDirectory).summary, encoding: .utf8)
        #expect(markdown.contains("## Paired comparisons over seeds"))
        #expect(markdown.contains("| alpha | accuracy ↑ | bermo-last2 − bert | +0.0500 | [+0.0500, +0.0500] | 3 | **yes** |"))

        // Declared: the reverse pair only; `[]` turns comparisons off.
        let suite = try String(contentsOfFile: TestSupport.suite("good/echo.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "include: [common.yaml]", with: "include: [\(TestSupport.suite("good/common.yaml"))]")
        let reversed = try TestSupport.write(suite + "compare: [{variant: bert, against: bermo-last2}]\n", to: dir, name: "reversed.yaml")
        var options = TestSupport.options(output: dir)
        options.outputDirectory = dir.appendingPathComponent("reversed")
        let run = try SuiteRunner(registry: TestSupport.registry(), options: options, console: RecordingConsole()).run(suitePath: reversed)
        #expect(run.results.comparisons?.map(\.variant) == ["bert", "bert", "bert", "bert"])
        #expect(run.results.comparisons?.first?.meanDifference.map { abs($0 + 0.05) < 1e-12 } == true)
        let none = try TestSupport.write(suite + "compare: []\n", to: dir, name: "none.yaml")
        options.outputDirectory = dir.appendingPathComponent("none")
        #expect(try SuiteRunner(registry: TestSupport.registry(), options: options, console: RecordingConsole()).run(suitePath: none)
            .results.comparisons == [])
    }

    @Test func resultsOfSchemaTwoAreReadWithoutComparisons() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: OutputLayout(summary.outputDirectory).results)) as? [String: Any])
        json["schema_version"] = 2
        json["comparisons"] = nil
        var suite = try #require(json["suite"] as? [String: Any])
        suite["compare"] = nil
        json["suite"] = suite
        let old = dir.appendingPathComponent("v2.json")
        try JSONSerialization.data(withJSONObject: json).write(to: old)
        let read = try ResultsDocument.read(old)
        #expect(read.schemaVersion == 2 && read.comparisons == nil && read.suite.compare == nil)
        // A schema-2 baseline still gates a schema-3 run.
        #expect(Gate.compare(results: OutputLayout(summary.outputDirectory).results, baseline: old).exitCode == 0)
    }

    @Test func comparePairsAreValidatedWithLocatedErrors() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func errors(_ compare: String) throws -> [String] {
            let path = try TestSupport.write("suite: s\nmodel: minilm-l6\nvariants: [bert, bermo]\ntasks: [{task: a, plugin: echo.task}]\ncompare: \(compare)\n",
                                             to: dir)
            do {
                _ = try SuiteValidator(registry: TestSupport.registry(), dataDirectory: dir).prepare(path)
                return []
            } catch let e as SuiteErrors {
                return e.errors.map(\.description)
            }
        }
        #expect(try errors("[{variant: bermoo, against: bert}]").contains { $0.contains("suite.yaml:5:21") && $0.contains("no variant is named `bermoo`")
            && $0.contains("did you mean `bermo`?") })
        #expect(try errors("[{variant: bermo, agianst: bert}]").contains { $0.contains("suite.yaml:5:28") && $0.contains("unknown key `agianst`")
            && $0.contains("did you mean `against`?") })
        #expect(try errors("[{variant: bermo}]").contains { $0.contains("missing required field `against`") })
        #expect(try errors("[{variant: bert, against: bert}]").contains { $0.contains("compared against itself") })
        #expect(try errors("[{variant: bermo, against: bert}, {variant: bermo, against: bert}]").contains { $0.contains("listed twice") })
        #expect(try errors("bermo").contains { $0.contains("suite.yaml:5:10") && $0.contains("expected a list of variant pairs") })
        #expect(try errors("[bermo]").contains { $0.contains("expected a mapping `{variant: …, against: …}`") })
        #expect(try errors("[{variant: bermo, against: bert}]").isEmpty)
    }
}
