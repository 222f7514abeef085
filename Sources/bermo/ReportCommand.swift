import ArgumentParser
import BermoHarness
import BermoPlugins
import BermoRuntime
import Foundation

/// `bermo report <name> <output-dir> [options]`: an analysis across a run's jobs, the harness's HTML report or
/// one a plugin offers (found through the registry; the CLI names none).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Cross-job analyses of a run, offered by the harness (html, comparisons, power) and the plugins.",
        discussion: "Reports:\n" + Plugins.registry().reports.map { r in
            "\n\(r.name): \(r.summary)\n" + SettingsOptions.help(r.optionDeclarations)
        }.joined(separator: "\n"))

    @Argument(help: "The report (see below).") var name: String
    @Argument(help: "A run's output directory (holding jobs/).") var directory: String
    @Option(help: "Also write the report's text to this Markdown file.") var markdown: String?
    @Option(help: "Where the report's plots go (default: <directory>/plots).") var plots: String?
    @Argument(parsing: .allUnrecognized, help: "The report's own options (see below).") var options: [String] = []

    func run() throws {
        let output = try reportingErrors { () throws -> ReportOutput in
            let report = try Plugins.registry().report(name)
            return try Self.run(report, directory: URL(fileURLWithPath: directory), arguments: options)
        }
        print(output.text, terminator: "")
        if let markdown { try AtomicFile.write(output.text, to: URL(fileURLWithPath: markdown)) }
        for page in output.pages {
            try AtomicFile.write(page.contents, to: page.url)
            printError("bermo: wrote \(page.url.path)")
        }
        guard !output.files.isEmpty else { return }
        let plotDir = plots.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: directory).appendingPathComponent("plots")
        try FileManager.default.createDirectory(at: plotDir, withIntermediateDirectories: true)
        for file in output.files {
            let url = plotDir.appendingPathComponent(file.name)
            try AtomicFile.write(file.contents, to: url)
            printError("bermo: wrote \(url.path)")
        }
    }

    static func run<R: RunReport>(_ report: R, directory: URL, arguments: [String]) throws -> ReportOutput {
        let options = try SettingsOptions.decode(R.Options.self, from: arguments, command: "report \(report.name)")
        return try report.report(FinishedRun(directory: directory), options: options)
    }
}
