import BermoHarness
import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// "A new plugin is one file plus one registration line": `WordLengthPlugin.swift` holds everything, the
/// line below registers it in a fresh registry, and the harness then validates, runs and reports it
/// with nothing else added.
@Suite struct OneFilePluginTests {
    @Test("a plugin defined in one file and registered with one line runs a suite and offers its report")
    func oneFileOneLine() throws {
        let registry = PluginRegistry()
        registry.register("demo.word-length") { WordLengthPlugin() }

        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let suite = try directory.write("""
            suite: one-file
            model: minilm-l6
            variants: [bert]
            seeds: [1, 2]
            tasks:
              - {task: short, plugin: demo.word-length, text: "to be or not"}
              - {task: long, plugin: demo.word-length, text: "extraordinary circumstances", min_length: 3}

            """, to: "suite.yaml")
        var options = RunOptions(dataDirectory: directory.file("data"), cacheDirectory: directory.file("cache"))
        options.outputDirectory = directory.file("out")
        options.threads = 1
        let summary = try SuiteRunner(registry: registry, options: options, console: RecordingConsole()).run(suitePath: suite.path)
        #expect(summary.failures.isEmpty && summary.ran.count == 4)
        let means = Dictionary(summary.records.map { ("\($0.task) \($0.seed)", $0.metrics["mean_length"]) }, uniquingKeysWith: { a, _ in a })
        #expect(means == ["short 1": 2.25, "short 2": 2.25, "long 1": 13, "long 2": 13])

        // Its report is found through the registry, with its own options.
        #expect(registry.reports.map(\.name) == ["html", "comparisons", "power", "word-lengths"], "the harness's own reports, then the plugin's")
        let report = try registry.report("word-lengths")
        #expect(report.optionDeclarations.map(\.key) == ["digits"])
        let text = try Self.run(report, on: FinishedRun(directory: directory.file("out")))
        #expect(text == "short · bert: 2.25\nshort · bert: 2.25\nlong · bert: 13.00\nlong · bert: 13.00\n", "\(text)")

        // And its settings are checked like every plugin's: located, naming the key.
        let bad = try directory.write(try String(contentsOf: suite, encoding: .utf8).replacingOccurrences(of: "min_length: 3", with: "min_length: 0"),
                                      to: "bad.yaml")
        let rejected = Result { try SuiteValidator(registry: registry, dataDirectory: directory.url).prepare(bad.path) }
        guard case .failure(let error) = rejected else { Issue.record("`min_length: 0` was accepted"); return }
        #expect("\(error)".contains("bad.yaml:7:") && "\(error)".contains("`tasks[long].min_length`: 0 is out of range"), "\(error)")
    }

    /// Runs a report found through the registry with its default options.
    static func run<R: RunReport>(_ report: R, on run: FinishedRun) throws -> String {
        try report.report(run, options: R.Options()).text
    }
}
