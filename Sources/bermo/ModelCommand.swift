import ArgumentParser
import BermoRuntime
import Foundation

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Fetch and inspect models.", subcommands: [Fetch.self, List.self])

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a registered model into the cache ($BERMO_CACHE, default ~/.cache/bermo); a no-op when present.")
        @Argument(help: "Registered model name, e.g. minilm-l6.")
        var name: String = "minilm-l6"

        func run() throws {
            let dir = try ModelStore().resolve(name) { StandardError.write("bermo: " + $0 + "\n") }
            print(dir.path)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered models and whether they are cached.")
        func run() {
            let store = ModelStore()
            for m in RegisteredModel.all {
                print("\(m.name)\t\(m.huggingFaceID)\t\(store.isInstalled(m) ? store.directory(for: m).path : "not fetched")")
            }
        }
    }
}
