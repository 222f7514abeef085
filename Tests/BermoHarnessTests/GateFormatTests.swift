@testable import BermoHarness
import BermoRuntime
import Foundation
import Testing

/// `bermo compare --format text|markdown|github` over the echo suite's real results: GitHub's annotations
/// (escaped as its runner unescapes them), the step summary appended to, the pull-request Markdown.
@Suite struct GateFormatTests {
    /// The echo suite's results, and a copy with alpha/bert accuracy 0.02 lower (beyond the suite's 0.01).
    static func regressedRun(_ dir: URL) throws -> (baseline: URL, regressed: URL, results: ResultsDocument) {
        let (results, file) = try GateTests.baselineRun(dir)
        let worse = GateTests.shifted(results, task: "alpha", variant: "bert", metric: "accuracy", by: -0.02)
        return (file, try GateTests.write(worse, dir, "worse.json"), results)
    }

    @Test func workflowCommandValuesAreEscapedAsGitHubsToolkitDoes() {
        #expect(GitHubWorkflowCommand.escapeData("50% of a\r\nb: c, d") == "50%25 of a%0D%0Ab: c, d")
        #expect(GitHubWorkflowCommand.escapeProperty("50% of a\r\nb: c, d") == "50%25 of a%0D%0Ab%3A c%2C d")
        #expect(GitHubWorkflowCommand.line("error", properties: ["title": "t: 1,2"], message: "m::x\n") == "::error title=t%3A 1%2C2::m::x%0A")
        #expect(GitHubWorkflowCommand.line("warning", properties: [:], message: "plain") == "::warning::plain")
    }

    @Test func githubFormatAnnotatesTheRegressionAndAppendsTheStepSummary() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (baseline, regressed, _) = try Self.regressedRun(dir)
        let summary = dir.appendingPathComponent("step_summary.md")
        try "## an earlier step's summary\n".write(to: summary, atomically: true, encoding: .utf8)
        let report = Gate.compare(results: regressed, baseline: baseline, format: .github, environment: ["GITHUB_STEP_SUMMARY": summary.path])
        #expect(report.exitCode == 1 && report.error == nil)
        let lines = report.output.split(separator: "\n").map(String.init)
        let errors = lines.filter { $0.hasPrefix("::error ") }
        #expect(errors.count == 1, "\(report.output)")
        let row = try #require(report.comparison?.regressions.first)
        // Title: `:` and `,` escaped in the property; the message: the row, column by column, whatever the table's columns are.
        #expect(errors.first?.hasPrefix("::error title=bermo gate%3A alpha / bert / accuracy (minilm-l6) regressed::") == true, "\(errors)")
        for (column, cell) in zip(ComparisonTable.header(false), ComparisonTable.cells(row, false)) {
            #expect(errors.first?.contains(GitHubWorkflowCommand.escapeData("\(column): \(cell)")) == true, "\(column) not in \(errors)")
        }
        #expect(lines.first?.hasPrefix("task") == true, "the text table comes first, for the job log: \(report.output)")
        // The step summary keeps what was there and gains the Markdown report.
        let text = try String(contentsOf: summary, encoding: .utf8)
        #expect(text.hasPrefix("## an earlier step's summary\n### bermo compare: suite echo-test\n"), "\(text)")
        #expect(text.contains("| alpha | accuracy ↑ | bert |") && text.contains("REGRESSED") && text.contains("— REGRESSION"), "\(text)")
    }

    @Test func warningsForAStaleBaselineAndForMetricsLeftUnchecked() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (results, file) = try GateTests.baselineRun(dir)
        var changed = GateTests.shifted(results, task: "alpha", variant: "bert", metric: "accuracy", by: 0.05)
        changed.aggregates.removeAll { $0.task == "beta" && $0.variant == "bert" }
        changed.jobs = changed.jobs.map { job in
            var job = job
            if job.task == "beta" && job.variant == "bert" { job.status = .skipped; job.metrics = [:] }
            return job
        }
        let report = Gate.compare(results: try GateTests.write(changed, dir, "changed.json"), baseline: file, format: .github, environment: [:])
        #expect(report.exitCode == 0)
        let warnings = report.output.split(separator: "\n").filter { $0.hasPrefix("::warning ") }
        #expect(warnings.filter { $0.contains("alpha / bert / accuracy (minilm-l6) improved::") && $0.contains("update the committed baseline") }.count == 1,
                "\(report.output)")
        #expect(warnings.filter { $0.contains("beta / bert /") && $0.contains("skipped::") && $0.contains("not checked") }.count == 2, "\(report.output)")
        #expect(!report.output.contains("::error"))
    }

    @Test func aStepSummaryThatCannotBeWrittenIsAUsageErrorAfterTheAnnotations() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (baseline, regressed, _) = try Self.regressedRun(dir)
        // A directory where the file should be (root ignores permission bits, so an unwritable mode would not do).
        let report = Gate.compare(results: regressed, baseline: baseline, format: .github, environment: ["GITHUB_STEP_SUMMARY": dir.path])
        #expect(report.exitCode == 2)
        let error = try #require(report.error)
        #expect(error.contains("$GITHUB_STEP_SUMMARY is \(dir.path)") && error.contains("it is a directory") && error.contains("unset it"), "\(error)")
        #expect(report.output.contains("::error title=bermo gate%3A alpha / bert / accuracy (minilm-l6) regressed::"))
        #expect(report.output.contains("::error title=bermo compare failed::$GITHUB_STEP_SUMMARY is"))
    }

    @Test func aDataErrorIsAnAnnotationTooAndNoSummaryIsWritten() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (_, file) = try GateTests.baselineRun(dir)
        let summary = dir.appendingPathComponent("summary.md")
        let report = Gate.compare(results: file, baseline: dir.appendingPathComponent("none.json"), format: .github,
                                  environment: ["GITHUB_STEP_SUMMARY": summary.path])
        #expect(report.exitCode == 2)
        #expect(report.output.hasPrefix("::error title=bermo compare failed::") && report.output.contains("none.json"), "\(report.output)")
        #expect(!FileManager.default.fileExists(atPath: summary.path))
    }

    @Test func markdownIsAReportForAPullRequestComment() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (baseline, regressed, _) = try Self.regressedRun(dir)
        let report = Gate.compare(results: regressed, baseline: baseline, format: .markdown)
        #expect(report.exitCode == 1 && !report.output.contains("::"))
        let lines = report.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "### bermo compare: suite echo-test")
        let header = "| " + ComparisonTable.header(false).joined(separator: " | ") + " |"
        #expect(lines.contains(header), "\(report.output)")
        #expect(lines.filter { $0.hasPrefix("| alpha ") || $0.hasPrefix("| beta ") }.count == 1)
        // --all lists every metric (8 in the echo suite), as the text table does.
        let all = Gate.compare(results: regressed, baseline: baseline, showAll: true, format: .markdown)
        #expect(all.output.split(separator: "\n").filter { $0.hasPrefix("| alpha ") || $0.hasPrefix("| beta ") }.count == 8, "\(all.output)")
        // The text form is unchanged by the formats: no heading, no annotations.
        let text = Gate.compare(results: regressed, baseline: baseline, format: .text)
        #expect(text.output.hasPrefix("task") && !text.output.contains("###") && !text.output.contains("::"))
    }
}
