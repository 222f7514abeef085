import BermoHarness
import BermoRuntime
import Foundation
import Testing

/// The HTML report's content from the harness's side (the browser test checks how Chromium renders it): what a
/// complete, partial, merged and gated run says, that every value from a file is escaped, and that a plugin
/// section that fails costs only that section.
@Suite struct HTMLReportTests {
    static func page(_ dir: URL, baseline: URL? = nil, providers: [any ReportSectionProvider] = []) throws -> String {
        try HTMLReport.build(FinishedRun(directory: dir), baseline: baseline, providers: providers).render()
    }

    @Test("bermo run writes report.html: complete, every aggregate with its exact mean, the plots inline, no script")
    func completeRun() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        let html = try String(contentsOf: OutputLayout(summary.outputDirectory).htmlReport, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<strong>Complete.</strong> 12 of 12 job(s) finished"))
        for a in summary.results.aggregates {
            #expect(html.contains("data-mean=\"\(a.mean)\""), "\(a.key)")
        }
        // One inline SVG per task's learning curve, the mix of bermo-last2 over its two layers, and no script or request.
        #expect(html.components(separatedBy: "<svg xmlns").count - 1 == 2)
        #expect(html.contains("<th class=\"num\" scope=\"col\">5</th><th class=\"num\" scope=\"col\">6</th>"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<?xml"))
        #expect(html.contains("Content-Security-Policy"))
        // Paired differences: bermo-last2 − bert over 3 seeds, a Student-t interval that excludes 0 (the echo
        // plugin adds 0.05 for bermo heads in every seed: zero spread).
        let comparisons = try #require(summary.results.comparisons)
        #expect(!comparisons.isEmpty)
        for c in comparisons {
            let interval = try #require(c.interval)
            #expect(html.contains("data-difference=\"\(c.meanDifference!)\"") && html.contains("data-high=\"\(interval.high)\"")
                && html.contains("data-low=\"\(interval.low)\""), "\(c.task) \(c.metric)")
        }
        // Every interval excludes 0 in the variant's favour (accuracy up, loss down): each row is marked good.
        let rows = html.components(separatedBy: "<tr").filter { $0.contains("data-reference=") }
        #expect(rows.count == comparisons.count && rows.allSatisfy { $0.hasPrefix(" class=\"mark-good\"") && $0.contains("<strong>yes</strong>") })
        // The same page as `bermo report html` writes afterwards.
        let again = try Self.page(summary.outputDirectory)
        #expect(again.replacingOccurrences(of: #"results written [0-9TZ:-]+"#, with: "", options: .regularExpression)
            == html.replacingOccurrences(of: #"results written [0-9TZ:-]+"#, with: "", options: .regularExpression))
    }

    @Test("a partial run: no results.json yet, one job running (a fresh lease), one pending; the page says so")
    func partialRun() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        let layout = OutputLayout(summary.outputDirectory)
        try FileManager.default.removeItem(at: layout.results)
        let (running, pending) = (summary.records[0], summary.records[1])
        for r in [running, pending] { try FileManager.default.removeItem(at: layout.job(r.id)) }
        let leases = JobLeases(layout)
        guard case .acquired(let lease) = try leases.acquire(running.id) else { Issue.record("no lease"); return }
        defer { lease.release() }

        let html = try Self.page(summary.outputDirectory)
        #expect(html.contains("<strong>Partial run.</strong> 10 of 12 job(s) finished, 1 running, 1 pending, 0 failed"))
        #expect(html.contains("No results.json yet"))
        #expect(html.contains("Running (1)") && html.contains("\(running.task) · \(running.variantName) · seed \(running.seed): on "))
        #expect(html.contains("Pending (1)") && html.contains("<li>\(pending.task) · \(pending.variantName) · seed \(pending.seed)</li>"))
        #expect(html.contains("not recorded yet"))
        // The numbers are over the ten finished jobs.
        let alpha = Aggregate.compute(JobStore(layout).allRecords()).first { $0.task == running.task && $0.variant == running.variantName }!
        #expect(alpha.n == 1 && html.contains("data-mean=\"\(alpha.mean)\""))
    }

    @Test("merged shards: all three complete; two of three name the four jobs without a result")
    func mergedShards() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var shards: [URL] = []
        for i in 1...3 {
            var options = TestSupport.options(output: dir)
            options.outputDirectory = dir.appendingPathComponent("shard\(i)", isDirectory: true)
            options.shard = try Shard(index: i, count: 3)
            _ = try TestSupport.run("good/echo.yaml", options: options)
            shards.append(options.outputDirectory!)
        }
        let all = dir.appendingPathComponent("all"), two = dir.appendingPathComponent("two")
        _ = try ShardMerger().merge(shards, into: all)
        let complete = try String(contentsOf: OutputLayout(all).htmlReport, encoding: .utf8)
        #expect(complete.contains("<strong>Complete.</strong> 12 of 12 job(s) finished, 0 running, 0 pending, 0 failed; counted from the planned jobs in results.json"))
        _ = try ShardMerger().merge(Array(shards.prefix(2)), into: two)
        let partial = try String(contentsOf: OutputLayout(two).htmlReport, encoding: .utf8)
        #expect(partial.contains("<strong>Partial run.</strong> 8 of 12 job(s) finished, 0 running, 4 pending"))
        #expect(partial.contains("Pending (4)"))
        // A shard on its own knows the other shards' jobs from its plan.
        let one = try Self.page(shards[0])
        #expect(one.contains("shard 1/3") && one.contains("<strong>Partial run.</strong> 4 of 12 job(s) finished"))
    }

    @Test("--baseline: the gate's verdict per metric, the regression's row marked")
    func gate() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        var baseline = summary.results
        baseline.aggregates = baseline.aggregates.map { a in
            var a = a
            if a.task == "beta" && a.variant == "bert" && a.metric == "accuracy" { a.mean += 0.1 }
            return a
        }
        let file = dir.appendingPathComponent("baseline.json")
        try HarnessJSON.write(baseline, to: file)
        let html = try Self.page(summary.outputDirectory, baseline: file)
        #expect(html.contains("<strong>Regression.</strong>"))
        let rows = html.components(separatedBy: "<tr").filter { $0.contains("data-verdict=") }
        #expect(rows.count == summary.results.aggregates.count)
        let marked = rows.filter { $0.hasPrefix(" class=\"mark-bad\"") }
        #expect(marked.count == 1 && marked[0].contains("data-metric=\"accuracy\"") && marked[0].contains("data-task=\"beta\"")
            && marked[0].contains("data-verdict=\"regressed\"") && marked[0].contains(">REGRESSED<"))
        // A baseline of another suite is the usage error `bermo compare` gives.
        baseline.suite.name = "other"
        try HarnessJSON.write(baseline, to: file)
        #expect(throws: HarnessError.self) { try Self.page(summary.outputDirectory, baseline: file) }
    }

    @Test("every value from a file is escaped: names, descriptions, reasons, errors, and data attributes")
    func hostileValuesAreEscaped() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        let hostile = #"<script>alert("x")</script><img src=x onerror='y'>&amp;"#
        var results = summary.results
        results.suite.name = hostile; results.suite.description = hostile; results.suite.file = hostile
        results.jobs[0].reason = hostile; results.jobs[0].status = .skipped
        results.aggregates[0].task = hostile; results.aggregates[0].variant = hostile
        results.failures = [JobFailure(id: "f", task: hostile, variant: hostile, model: hostile, seed: 1, error: hostile)]
        let section = ReportSection(title: hostile, task: hostile, blocks: [.heading(hostile), .paragraph(hostile),
                                                                             .table(ReportTable(columns: [.init(hostile)], rows: [[ReportTable.Cell(hostile, data: [hostile: hostile])]]))])
        let html = HTMLReport(results: results, records: summary.records, status: nil, comparison: nil, sections: [section]).render()
        #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("onerror='"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&apos;y&apos;&gt;&amp;amp;"))
        // A data attribute's name keeps letters, digits and dashes only.
        #expect(html.contains(" data-scriptalertxscriptimgsrcxonerroryamp=\"&lt;script&gt;"))
    }

    @Test("a plugin section that cannot read its jobs is replaced by the error; the rest of the page stands")
    func failingSection() throws {
        struct Broken: ReportSectionProvider {
            func sections(_ run: FinishedRun) throws -> [ReportSection] { throw HarnessError("job x: details unreadable") }
        }
        struct Fine: ReportSectionProvider {
            func sections(_ run: FinishedRun) throws -> [ReportSection] {
                [ReportSection(title: "Across tasks", blocks: [.paragraph("fine")]), ReportSection(title: "Inside alpha", task: "alpha", blocks: [])]
            }
        }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        let html = try Self.page(summary.outputDirectory, providers: [Broken(), Fine()])
        #expect(html.contains("<h2>Broken: not available</h2><p>job x: details unreadable</p>"))
        #expect(html.contains("<h2>Across tasks</h2><p>fine</p>"))
        // A task's section sits inside that task, before the next task's heading.
        let inside = try #require(html.range(of: "<h3>Inside alpha</h3>")), beta = try #require(html.range(of: "<h2>beta</h2>"))
        #expect(inside.lowerBound < beta.lowerBound)
        #expect(html.contains("<a href=\"#section-2\">Across tasks</a>"))
    }

    @Test("a report table as Markdown: escaped cells, right-aligned columns, bold")
    func reportTable() {
        let table = ReportTable(columns: [.init("a"), .init("b|c", .right)],
                                rows: [[ReportTable.Cell("x"), ReportTable.Cell("1", strong: true, mark: .bad)],
                                       [ReportTable.Cell("y", mark: .good), ReportTable.Cell("2", mark: .good)]])
        #expect(table.markdown == "| a | b\\|c |\n|---|---:|\n| x | **1** |\n| y | 2 |\n")
    }
}
