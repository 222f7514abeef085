import BermoHarness
import BermoRuntime
import Foundation

/// A whole plugin in one file, as a new one is written: its settings, what a job computes, and a report
/// across jobs. It measures the words of a text given in the suite (no model, no data files), so the
/// test that registers it runs in an instant. `OneFilePluginTests` registers it with one line.
struct WordLengthPlugin: TaskPlugin {
    struct Config: Settings {
        @Setting("text", .nonEmpty, help: "The text whose words are measured.") var text = "a short example"
        @Setting("min_length", .in(1...100), help: "Words shorter than this are not counted.") var minLength = 1
        init() {}
    }

    let id = "demo.word-length"
    let version = 1
    let summary = "Test plugin: mean word length of a text"
    var reports: [any RunReport] { [WordLengthReport()] }

    func prepare(_ config: Config, context: PrepareContext) throws -> any PreparedTask { Measure(config: config) }

    struct Measure: PreparedTask {
        let config: Config
        var settings: any Settings { config }
        var dataFiles: [DataFile] { [] }
        var metrics: [MetricDeclaration] { [MetricDeclaration("mean_length"), MetricDeclaration("words")] }

        func run(_ job: JobContext) throws -> JobOutcome {
            let words = config.text.split(separator: " ").filter { $0.count >= config.minLength }
            guard !words.isEmpty else { return .skipped("no word of at least \(config.minLength) letters") }
            return .completed(["mean_length": Double(words.map(\.count).reduce(0, +)) / Double(words.count),
                               "words": Double(words.count)])
        }
    }
}

/// `bermo report word-lengths <dir>`: every task's mean word length, with its own option.
struct WordLengthReport: RunReport {
    struct Options: Settings {
        @Setting("digits", .in(0...6), help: "Decimals shown.") var digits = 2
        init() {}
    }

    let name = "word-lengths"
    let summary = "Mean word length per task"

    func report(_ run: FinishedRun, options: Options) throws -> ReportOutput {
        let lines = run.records(plugin: "demo.word-length").map { r in
            "\(r.task) · \(r.variantName): " + String(format: "%.\(options.digits)f", r.metrics["mean_length"] ?? .nan)
        }
        return ReportOutput(text: lines.joined(separator: "\n") + "\n")
    }
}
