import ArgumentParser
import BermoHarness
import BermoPlugins
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the output directories of `bermo run --shard` runs into one (jobs, results.json, reports).")

    @Argument(help: "Shard output directories.")
    var directories: [String]
    @Option(help: "The merged output directory.")
    var output: String

    func run() throws {
        let summary = try reportingErrors {
            try ShardMerger(sectionProviders: Plugins.registry().reportSections).merge(directories.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                    into: URL(fileURLWithPath: output, isDirectory: true))
        }
        printError("bermo: merged \(summary.records.count) job(s) from \(directories.count) director(ies) → \(output)")
        if !summary.missing.isEmpty {
            printError("bermo: warning: \(summary.missing.count) planned job(s) have no result in any input (a shard missing or unfinished?): "
                + summary.missing.prefix(5).joined(separator: ", ") + (summary.missing.count > 5 ? ", …" : ""))
        }
    }
}
