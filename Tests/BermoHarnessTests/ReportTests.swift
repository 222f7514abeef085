import BermoHarness
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct ReportTests {
    static func run(_ dir: URL) throws -> RunSummary {
        try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
    }

    @Test func markdownHasOneTablePerTaskWithMeanAndStd() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try Self.run(dir)
        let markdown = try String(contentsOf: OutputLayout(summary.outputDirectory).summary, encoding: .utf8)
        #expect(markdown.hasPrefix("# bermo: echo-test\n"))
        #expect(markdown.contains("## alpha (group demo)\n"))
        #expect(markdown.contains("## beta\n"))
        #expect(markdown.contains("| variant | accuracy ↑ | loss ↓ |\n|---|---:|---:|\n"))
        #expect(markdown.contains("| bert | 0.5200 ± 0.0100 (n=3) | 0.4800 ± 0.0100 (n=3) |"))
        #expect(markdown.contains("| bermo-last2 | 0.7700 ± 0.0100 (n=3) | 0.2300 ± 0.0100 (n=3) |"))
        #expect(markdown == MarkdownReport(results: summary.results).render())
        // Rows and tables follow the suite's order (tasks alpha, beta; variants bert, bermo-last2), not the alphabet.
        let bert = try #require(markdown.range(of: "| bert |")), bermo = try #require(markdown.range(of: "| bermo-last2 |"))
        #expect(bert.lowerBound < bermo.lowerBound)
        #expect(markdown.range(of: "## alpha")!.lowerBound < markdown.range(of: "## beta")!.lowerBound)
    }

    @Test func markdownListsSkippedAndDivergedJobsWithReasons() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("suite: o\nmodel: minilm-l6\nseeds: [1, 2]\nvariants: [bert, bermo]\ntasks: [{task: a, plugin: echo.task, skip_variant: bermo, diverge_seed: 2}]\n", to: dir)
        let summary = try SuiteRunner(registry: TestSupport.registry(), options: TestSupport.options(output: dir), console: RecordingConsole()).run(suitePath: path)
        let markdown = MarkdownReport(results: summary.results).render()
        #expect(markdown.contains("- bert · seed 2: diverged at step 7: loss is NaN"))
        #expect(markdown.contains("- bermo · seed 1: skipped: echo does not apply to bermo"))
        #expect(markdown.contains("| bert | 0.5100 (n=1) | 0.4900 (n=1) |"))
    }

    @Test func githubStepSummaryIsAppended() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try Self.run(dir)
        let stepSummary = dir.appendingPathComponent("step-summary.md")
        try "previous step\n".write(to: stepSummary, atomically: true, encoding: .utf8)
        var writer = ReportWriter(layout: OutputLayout(dir.appendingPathComponent("again")))
        writer.environment = ["GITHUB_STEP_SUMMARY": stepSummary.path]
        try writer.write(results: summary.results, records: summary.records, comparison: nil)
        let text = try String(contentsOf: stepSummary, encoding: .utf8)
        #expect(text.hasPrefix("previous step\n# bermo: echo-test\n"))
    }

    @Test func junitParsesAndHasOneTestcasePerTaskAndMetric() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try Self.run(dir)
        let data = try Data(contentsOf: OutputLayout(summary.outputDirectory).junit)
        let document = try XMLDocument(data: data)
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        #expect(cases.count == 2 * 2)
        let names = cases.map { "\($0.attribute(forName: "classname")?.stringValue ?? "")/\($0.attribute(forName: "name")?.stringValue ?? "")" }
        #expect(names == ["echo-test.alpha/accuracy", "echo-test.alpha/loss", "echo-test.beta/accuracy", "echo-test.beta/loss"])
        #expect(try document.nodes(forXPath: "//failure").isEmpty)
        #expect(try document.nodes(forXPath: "//testsuite").count == 2)
        #expect(document.rootElement()?.attribute(forName: "tests")?.stringValue == "4")

        // With a gate that flags alpha/accuracy, exactly that testcase gets a failure element.
        var baseline = summary.results
        baseline.aggregates = baseline.aggregates.map { a in var a = a; if a.task == "alpha" && a.metric == "accuracy" && a.variant == "bert" { a.mean += 0.5 }; return a }
        let comparison = try Comparator().compare(current: summary.results, baseline: baseline)
        let flagged = try XMLDocument(data: Data(JUnitReport(results: summary.results, comparison: comparison).render().utf8))
        let failures = try flagged.nodes(forXPath: "//testcase[failure]").compactMap { $0 as? XMLElement }
        #expect(failures.map { $0.attribute(forName: "name")?.stringValue } == ["accuracy"])
        #expect(failures.first?.attribute(forName: "classname")?.stringValue == "echo-test.alpha")
        #expect(flagged.rootElement()?.attribute(forName: "failures")?.stringValue == "1")
    }

    @Test func svgPlotIsWellFormedWithALineAndBandPerVariant() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try Self.run(dir)
        let plots = OutputLayout(summary.outputDirectory).plots
        #expect(try FileManager.default.contentsOfDirectory(atPath: plots.path).sorted() == ["alpha-learning_curve.svg", "beta-learning_curve.svg"])
        let document = try XMLDocument(data: Data(contentsOf: plots.appendingPathComponent("alpha-learning_curve.svg")))
        #expect(document.rootElement()?.name == "svg")
        let lines = try document.nodes(forXPath: "//*[local-name()='path'][@class='line']").compactMap { $0 as? XMLElement }
        #expect(lines.compactMap { Self.attribute($0, "data-series") } == ["bert", "bermo-last2"])
        let bands = try document.nodes(forXPath: "//*[local-name()='path'][@class='band']")
        #expect(bands.count == 2)
        #expect(try document.nodes(forXPath: "//*[local-name()='text'][@class='title']").first?.stringValue == "alpha: learning curve")
        // Five points per line: one move and four line segments.
        let d = try #require(lines.first.flatMap { Self.attribute($0, "d") })
        #expect(d.filter { $0 == "M" }.count == 1 && d.filter { $0 == "L" }.count == 4)
    }

    /// An attribute by name; `attribute(forName:)` does not find un-prefixed attributes of namespaced elements
    /// in swift-corelibs-foundation.
    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name || $0.localName == name }?.stringValue
    }

    @Test("a log10 x axis puts each decade the same width apart")
    func logAxis() throws {
        var chart = SVGLineChart(title: "t", xLabel: "x", yLabel: "y",
                                 lines: [.init(label: "a", points: [.init(x: 1, mean: 1), .init(x: 10, mean: 2), .init(x: 100, mean: 3)])])
        chart.xScale = .log10
        let svg = chart.render()
        let cx = svg.components(separatedBy: "<circle cx=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(cx.count == 3)
        #expect(abs((cx[1] - cx[0]) - (cx[2] - cx[1])) < 0.02)
        #expect(svg.contains(">100</text>") && svg.contains(">1</text>"))
    }

    @Test func niceTicksCoverTheRange() {
        #expect(SVGLineChart.ticksForTesting(min: 0.51, max: 0.77) == [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8])
        #expect(SVGLineChart.ticksForTesting(min: 0, max: 40) == [0, 10, 20, 30, 40])
        #expect(SVGLineChart.logTicksForTesting(min: 0.5, max: 45) == [0.5, 1, 2, 5, 10, 20, 50])
        #expect(SVGLineChart.logTicksForTesting(min: 0.7, max: 3) == [0.5, 1, 2, 5])
        #expect(SVGLineChart.logTicksForTesting(min: 2, max: 2) == [2, 5])
        // A flat range on the last tick of a decade (one pruning level at 50% remaining) is widened upwards too.
        #expect(SVGLineChart.logTicksForTesting(min: 50, max: 50) == [50, 100])
        #expect(SVGLineChart.logTicksForTesting(min: 5, max: 50) == [5, 10, 20, 50])
        #expect(SVGLineChart.logTicksForTesting(min: 0.0022, max: 69) == [0.002, 0.01, 0.1, 1, 10, 100])
        let flat = SVGLineChart.ticksForTesting(min: 3, max: 3)
        #expect(flat.first! < 3 && flat.last! > 3)
        let chart = SVGLineChart(title: "t & <u>", xLabel: "x", yLabel: "y", lines: [.init(label: "a", points: [.init(x: 1, mean: .nan)])])
        #expect((try? XMLDocument(data: Data(chart.render().utf8))) != nil)
    }
}
