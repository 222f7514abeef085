import ArgumentParser
import BermoRuntime
import Foundation
import GLUEPlugin
import SentEvalPlugin

/// `bermo data ...`: datasets the harness reads.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Fetch and verify datasets.",
        subcommands: [DataFetch.self])
}

struct DataFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "Download a dataset's official files, verify their published checksums, install them.",
        subcommands: [DataFetchGLUE.self, DataFetchSentEval.self])
}

/// `bermo data fetch glue`: GLUE's official archives into `<data-dir>/glue/<TASK>/`.
struct DataFetchGLUE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glue",
        abstract: "Download GLUE (all nine tasks, or --tasks), check size and SHA-256, install into <data-dir>/glue.")

    @Option(help: "Comma-separated tasks (cola, sst2, mrpc, stsb, qqp, mnli, qnli, rte, wnli; GLUE folder names work too), or all.")
    var tasks: String = "all"
    @Option(name: .customLong("data-dir"), help: "Data directory; GLUE goes into its glue/ folder (default $BERMO_DATA or ../shared/data, which is read-only on the development machines).")
    var dataDir: String?
    @Option(help: "Install from files already downloaded into this folder (matched by file name) instead of the network; verified the same way.")
    var from: String?
    @Flag(help: "Replace a task folder that already has files, even one this command did not verify.")
    var force = false

    func run() throws {
        let ids: [GLUETaskID] = try tasks == "all" ? GLUETaskID.allCases : tasks.split(separator: ",").map {
            let name = $0.trimmingCharacters(in: .whitespaces)
            guard let id = GLUETaskID(named: name) else {
                throw ValidationFailure("--tasks: '\(name)' is not a GLUE task; use \(GLUETaskID.allCases.map(\.rawValue).joined(separator: ", ")) or all")
            }
            return id
        }
        let dir = DataDirectory.resolve(dataDir)
        let transport = from.map { GLUEDownloads.localTransport(URL(fileURLWithPath: $0)) } ?? GLUEDownloads.defaultTransport
        let outcomes = try GLUEDownloads.fetch(ids, dataDirectory: dir, force: force, transport: transport) {
            FileHandle.standardError.write(Data("bermo: \($0)\n".utf8))
        }
        for id in ids {
            switch outcomes[id] {
            case .installed(let url, let bytes)?: print("\(id.rawValue)\tinstalled\t\(url.path)\t\(bytes) bytes verified")
            case .alreadyPresent(let url)?: print("\(id.rawValue)\talready present (verified)\t\(url.path)")
            case .keptUnverified(let url)?: print("\(id.rawValue)\tkept existing files (unverified; --force replaces them)\t\(url.path)")
            case nil: break
            }
        }
    }
}

/// `bermo data fetch senteval`: the ten full SentEval probing files from the official repository, each
/// verified against its git blob SHA-1 in the official tree, into `<data-dir>/senteval-probing-full/`.
struct DataFetchSentEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "senteval",
        abstract: "Download the 10 SentEval probing files, verify them, install into <data-dir>/senteval-probing-full.")
    @Option(name: .customLong("data-dir"), help: "Data directory (default $BERMO_DATA or ../shared/data).")
    var dataDir: String?

    func run() throws {
        let target = DataDirectory.resolve(dataDir).appendingPathComponent("senteval-probing-full")
        let outcomes = try SentEvalDownloads.fetch(to: target, log: { FileHandle.standardError.write(Data("bermo: \($0)\n".utf8)) })
        print("\(outcomes.count) SentEval probing files verified in \(target.path)")
    }
}
