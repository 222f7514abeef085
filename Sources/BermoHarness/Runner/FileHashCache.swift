import BermoRuntime
import Foundation
import Synchronization

/// SHA-256 of data and weight files, remembered by path, size and modification time so that a 90 MB
/// checkpoint or a large dataset is hashed once, not on every `bermo run` or `explain`.
///
/// Stored as JSON in the harness cache directory; a changed file (size or mtime) is hashed again.
public final class FileHashCache: Sendable {
    struct Entry: Codable { var size: Int; var mtime: Double; var sha256: String }

    public let file: URL?
    private struct State { var entries: [String: Entry]; var dirty = false }
    private let state: Mutex<State>

    /// - Parameter file: where the cache is kept; nil keeps it in memory only.
    public init(file: URL?) {
        self.file = file
        var entries: [String: Entry] = [:]
        if let file, let data = FileManager.default.contents(atPath: file.path),
           let decoded = try? JSONDecoder().decode([String: Entry].self, from: data) {
            entries = decoded
        }
        state = Mutex(State(entries: entries))
    }

    public func sha256(of url: URL) throws -> String {
        let path = url.standardizedFileURL.path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw HarnessError("cannot read \(path): \(error.localizedDescription); check that it exists and is readable")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        if let entry = state.withLock({ $0.entries[path] }), entry.size == size, entry.mtime == mtime { return entry.sha256 }
        let digest = try Digest.sha256(of: URL(fileURLWithPath: path))
        state.withLock { $0.entries[path] = Entry(size: size, mtime: mtime, sha256: digest); $0.dirty = true }
        return digest
    }

    /// Writes the cache if anything was added (atomically; losing it only costs re-hashing).
    public func save() {
        guard let file else { return }
        let snapshot: [String: Entry]? = state.withLock { $0.dirty ? $0.entries : nil }
        guard let snapshot, let data = try? JSONEncoder().encode(snapshot) else { return }
        try? AtomicFile.write(data, to: file)
        state.withLock { $0.dirty = false }
    }
}
