import ArgumentParser
import BermoHarness
import BermoPlugins
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a suite file and its includes: keys, types, plugins and their parameters (exit 0 valid, 2 invalid).")

    @Argument(help: "The suite YAML file.")
    var suite: String
    @OptionGroup var data: SuiteDataOptions

    func run() throws {
        let registry = Plugins.registry()
        let report = try reportingErrors {
            try SuiteValidator(registry: registry, dataDirectory: data.directory, dataDirectorySource: data.source).validate(suite)
        }
        for warning in report.warnings { printError(warning) }
        let s = report.prepared.suite
        print("\(suite): OK — suite `\(s.name)`: \(s.models.count) model(s) × \(report.prepared.tasks.count) task(s) × "
            + "\(s.variants.count) variant(s) × \(s.seeds.count) seed(s) = \(report.jobCount) job(s)")
    }
}
