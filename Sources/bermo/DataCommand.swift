import ArgumentParser
import BermoHarness
import BermoPlugins
import BermoRuntime
import Foundation

/// `bermo data ...`: datasets the plugins read.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Fetch and verify datasets.", subcommands: [DataFetch.self])
}

/// `bermo data fetch <name> [options]`: a plugin's dataset, downloaded, verified against published
/// checksums and installed below the data directory where the plugin reads it.
struct DataFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "Download a dataset's official files, verify their published checksums, install them.",
        discussion: "Datasets:\n" + Plugins.registry().datasets.map { d in
            "\n\(d.name): \(d.summary)\n" + SettingsOptions.help(d.optionDeclarations)
        }.joined(separator: "\n"))

    @Argument(help: "The dataset (see below).") var name: String
    @Option(name: .customLong("data-dir"), help: "Data directory (default $BERMO_DATA or ../shared/data, which is read-only on the development machines).")
    var dataDir: String?
    @Argument(parsing: .allUnrecognized, help: "The dataset's own options (see below).") var options: [String] = []

    func run() throws {
        let lines = try reportingErrors { () throws -> [String] in
            try Self.fetch(Plugins.registry().dataset(name), into: DataDirectory.resolve(dataDir), arguments: options)
        }
        for line in lines { print(line) }
    }

    static func fetch<D: DatasetFetcher>(_ dataset: D, into directory: URL, arguments: [String]) throws -> [String] {
        let options = try SettingsOptions.decode(D.Options.self, from: arguments, command: "data fetch \(dataset.name)")
        return try dataset.fetch(into: directory, options: options) { printError("bermo: \($0)") }
    }
}
