import ArgumentParser
import BermoHarness
import BermoPlugins
import Foundation

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Print the fully resolved suite (includes merged, defaults applied, where each value came from) and its job list.")

    @Argument(help: "The suite YAML file.")
    var suite: String
    @OptionGroup var data: SuiteDataOptions
    @Option(name: .customLong("output-dir"), help: "Output directory to check for finished jobs (default: the suite's output_dir).")
    var outputDir: String?
    @Option(help: "Examples per split, as `bermo run --limit` would use (changes job ids).")
    var limit: Int?

    func validate() throws { try OptionRules.check(limit, RunOptions.limitRule, option: "--limit") }

    func run() throws {
        let registry = Plugins.registry()
        let text = try reportingErrors {
            let prepared = try SuiteValidator(registry: registry, dataDirectory: data.directory, dataDirectorySource: data.source).prepare(suite)
            var options = RunOptions(dataDirectory: data.directory)
            options.outputDirectory = outputDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            let hashes = FileHashCache(file: options.cacheDirectory.appendingPathComponent("file-hashes.json"))
            let plan = try JobPlanner(hashes: hashes, limit: limit).plan(prepared)
            let output = SuiteRunner(registry: registry, options: options).outputDirectory(for: prepared.suite)
            return try SuiteExplanation(prepared: prepared, plan: plan, outputDirectory: output).render()
        }
        print(text, terminator: "")
    }
}
