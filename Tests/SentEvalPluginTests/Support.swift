import BermoRuntime
import Foundation

/// The package root, found from this file, so tests need no bundle and no working directory.
enum PackageRoot {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The SentEval probing subsets: `$BERMO_DATA/senteval-probing`, else `../shared/data/senteval-probing`
/// beside the package root (the layout of CI and the development machines).
enum ProbingData {
    static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["BERMO_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env).appendingPathComponent("senteval-probing")
        }
        return PackageRoot.url.appendingPathComponent("../shared/data/senteval-probing").standardizedFileURL
    }()

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// The real all-MiniLM-L6-v2 checkpoint, resolved (fetched once per machine) through `ModelStore()`,
/// as in the runtime's tests.
enum TestModel {
    private static let minilm: Result<URL, any Error> = Result {
        try ModelStore().resolve("minilm-l6")
    }

    static func minilmDirectory() throws -> URL {
        try minilm.get()
    }
}

/// A fresh empty directory under the system temporary directory, removed by `cleanup`.
struct TemporaryDirectory {
    let url: URL

    init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bermo-test-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}
