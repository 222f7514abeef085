import BermoHarness
import Foundation
import Testing

/// `bermo validate` and `bermo explain` through the library API (the echo plugin exists only in tests).
@Suite struct ValidateExplainTests {
    @Test func validateReportsTheJobCountAndMissingDataAsWarnings() throws {
        let validator = SuiteValidator(registry: TestSupport.registry(), dataDirectory: URL(fileURLWithPath: "/nonexistent"))
        let report = try validator.validate(TestSupport.suite("good/echo.yaml"))
        #expect(report.jobCount == 12 && report.warnings.isEmpty)
        #expect(report.prepared.tasks.map(\.metrics) == [[MetricDeclaration("accuracy"), MetricDeclaration("loss", higherIsBetter: false)],
                                                          [MetricDeclaration("accuracy"), MetricDeclaration("loss", higherIsBetter: false)]])

        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("suite: d\nmodel: minilm-l6\ntasks: [{task: a, plugin: echo.task, data: [x/y.tsv]}]\n", to: dir)
        let withData = try validator.validate(path)
        #expect(withData.warnings.count == 1)
        #expect(withData.warnings[0].contains("/nonexistent/x/y.tsv") && withData.warnings[0].contains("bermo data fetch echo"))
    }

    @Test func explainShowsResolvedValuesTheirOriginsAndJobs() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prepared = try SuiteValidator(registry: TestSupport.registry(), dataDirectory: dir).prepare(TestSupport.suite("good/echo.yaml"))
        let plan = try JobPlanner(hashes: FileHashCache(file: nil)).plan(prepared)
        let text = try SuiteExplanation(prepared: prepared, plan: plan, outputDirectory: dir).render()
        let common = TestSupport.suite("good/common.yaml"), echo = TestSupport.suite("good/echo.yaml")
        #expect(text.hasPrefix("suite: echo-test    # \(echo)\n"))
        #expect(text.contains("files: \(echo), \(common)"))
        #expect(text.contains("  - {name: bermo-last2, head: bermo, mix: {include_embedding: true, initial_gamma: 1.0, initial_weights: null, layer_norm: true, layers: [5, 6], trainable: true}}"))
        #expect(text.contains("seeds: [1, 2, 3]"))
        #expect(text.contains("    value: 0.5    # from defaults at \(common):5:10"))
        #expect(text.contains("    value: 0.7    # \(echo):21:12, overrides the default at \(common):5:3"))
        #expect(text.contains("    metrics: accuracy ↑, loss ↓"))
        #expect(text.contains("tolerance: default absolute 0.01; loss: relative 0.1"))
        #expect(text.contains("jobs (12 = 1 model(s) × 2 task(s) × 2 variant(s) × 3 seed(s)):"))
        for job in plan.jobs { #expect(text.contains("  \(job.id)  \(job.task.id) · \(job.variant.name) · seed \(job.seed)\n")) }
    }

    @Test func explainMarksFinishedJobs() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = TestSupport.options(output: dir)
        let summary = try TestSupport.run("good/echo.yaml", options: options)
        let prepared = try SuiteValidator(registry: TestSupport.registry(), dataDirectory: options.dataDirectory).prepare(TestSupport.suite("good/echo.yaml"))
        let plan = try JobPlanner(hashes: FileHashCache(file: nil)).plan(prepared)
        let text = try SuiteExplanation(prepared: prepared, plan: plan, outputDirectory: summary.outputDirectory).render()
        #expect(text.components(separatedBy: "# done: completed").count - 1 == 12)
    }
}
