import ArgumentParser
import BermoRuntime
import Foundation
import SentEvalPlugin

/// `bermo data fetch <dataset>`: downloads full datasets from their official URLs, checksum-verified,
/// for users who are not on a machine with `../shared/data`.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Fetch datasets from their official sources.", subcommands: [Fetch.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a dataset (senteval) into --data-dir, verifying each file; files already verified are kept.")
        @Argument(help: "Dataset to fetch: senteval.") var dataset: String
        @Option(name: .customLong("data-dir"), help: "Data directory (default $BERMO_DATA or ../shared/data); files go to <data-dir>/senteval-probing-full.")
        var dataDir: String?

        func run() throws {
            let root = DataDirectory.resolve(dataDir)
            let log: (String) -> Void = { FileHandle.standardError.write(Data("bermo: \($0)\n".utf8)) }
            switch dataset {
            case "senteval":
                let target = root.appendingPathComponent("senteval-probing-full")
                let outcomes = try SentEvalDownloads.fetch(to: target, log: log)
                print("\(outcomes.count) SentEval probing files verified in \(target.path)")
            default:
                throw ValidationFailure("unknown dataset '\(dataset)'; available: senteval")
            }
        }
    }
}
