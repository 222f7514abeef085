import Foundation

/// Writes files so that a reader (or a rerun after a kill) sees either the old file or the complete new one,
/// never a torn one: the bytes go to a temporary file in the same directory, then `rename(2)` replaces the target.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw HarnessError("cannot create the directory \(directory.path): \(error.localizedDescription); check that the output directory is writable")
        }
        // Dot-prefixed so that directory listings of finished files (e.g. jobs/*.json) skip half-written ones.
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
            throw HarnessError("cannot write \(temporary.path); check that \(directory.path) is writable and the disk is not full")
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            unlink(temporary.path)
            throw HarnessError("cannot move the finished file into place at \(url.path) (errno \(code)); check permissions of \(directory.path)")
        }
    }

    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Pretty, key-sorted JSON, so that result files diff cleanly between runs.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try write(data, to: url)
    }
}
