import Foundation

/// A file bermo writes for the user (an `--output`, a report, a result, a record), so that a reader, or a
/// rerun after a kill, sees either the old file or the complete new one, never a torn one; every write path
/// goes through it (`AtomicFile` for whole contents).
///
/// What happens depends on what the destination is *now* (following symbolic links), decided when it is opened,
/// before any work is done:
/// - **a regular file, or nothing yet**: the bytes go to a hidden temporary beside it (`TemporaryName`), which
///   `commit()` renames over it. Missing parent directories are created.
/// - **a character device or a named pipe** (`/dev/null`, `/dev/stdout`, a FIFO another program reads):
///   written directly. Renaming over it would replace the device by a regular file (as root, `/dev/null`
///   itself). A FIFO is opened when the writer is created, so it waits there for its reader.
/// - **a directory, a block device (a disk) or a socket**: refused with a message naming it.
///
/// On every failure the temporary is removed and the error says which file and why (`FileError`: a full disk
/// and a name too long are told apart). A process killed while writing leaves its temporary; the next writer
/// of the same destination removes those that have been untouched for an hour (`StaleTemporaries`).
public final class OutputFile {
    /// The destination as the user named it.
    public let url: URL
    /// Where the bytes go: the temporary for a regular destination, else the destination itself.
    private let writtenPath: String
    private let atomic: Bool
    private var fd: Int32
    private var finished = false

    public init(_ url: URL) throws {
        self.url = url
        let path = url.path
        // A name the file system cannot hold would only fail at the final rename, after all the work.
        guard url.lastPathComponent.utf8.count <= TemporaryName.nameLimit, path.utf8.count < PATH_MAX else {
            throw FileError(path: path, action: "cannot create the output", code: ENAMETOOLONG)
        }
        var info = stat()
        let kind: mode_t? = stat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
        switch kind {
        case S_IFCHR, S_IFIFO:
            atomic = false
            writtenPath = path
            fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileError(path: path, action: "cannot open for writing", code: errno) }
        case S_IFDIR:
            throw FileError(path: path, action: "cannot write the output", code: EISDIR,
                            fix: "name a file, e.g. \(url.appendingPathComponent("output").path)")
        case S_IFBLK, S_IFSOCK:
            throw RuntimeError("\(path): cannot write the output: it is a \(kind == S_IFBLK ? "block device (a disk)" : "socket"), "
                + "which bermo does not write to; name a regular file")
        default:
            atomic = true
            try Self.createDirectory(url.deletingLastPathComponent())
            let temporary = TemporaryName(for: url)
            writtenPath = temporary.unique().path
            fd = open(writtenPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw FileError(path: path, action: "cannot create the output", code: errno) }
            StaleTemporaries.sweep(temporary, besides: fd)
        }
    }

    /// Creates `directory` and its missing parents; a failure is a `FileError` naming it.
    public static func createDirectory(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            guard let problem = FileError(foundation: error) else { throw error }
            throw FileError(path: directory.path, action: "cannot create the directory", code: problem.code)
        }
    }

    /// Appends `bytes`, retrying short writes; a failure (a full disk) removes what was written and throws.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        let code = writeAll(fd, bytes)
        if code != 0 { throw failed("cannot write", code) }
    }

    public func write(_ data: Data) throws { try data.withUnsafeBytes { try write($0) } }
    public func write(_ text: String) throws { var text = text; try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) } }

    /// Finishes the file: closes it and, for a regular destination, renames the temporary over it.
    public func commit() throws {
        guard !finished else { return }
        let closed = close(fd)
        fd = -1
        guard closed == 0 else { throw failed("cannot write", errno) }
        if atomic, rename(writtenPath, url.path) != 0 { throw failed("cannot move the finished file into place", errno) }
        finished = true
    }

    /// Gives up: the temporary is removed and the destination left as it was.
    public func discard() {
        guard !finished else { return }
        finished = true
        if fd >= 0 { close(fd) }
        if atomic { unlink(writtenPath) }
    }

    deinit { discard() }

    private func failed(_ action: String, _ code: Int32) -> FileError {
        discard()
        return FileError(path: url.path, action: action, code: code)
    }
}

/// Writes whole files through `OutputFile`.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let file = try OutputFile(url)
        try file.write(data)
        try file.commit()
    }

    public static func write(_ text: String, to url: URL) throws { try write(Data(text.utf8), to: url) }

    /// Appends `text` to a file another program keeps (GitHub's `$GITHUB_STEP_SUMMARY`), the way every output is
    /// written: the old contents and the new part go to a temporary that replaces the file, so a reader sees it
    /// before or after, never half an append. A device or a pipe is written through (and not read first).
    public static func append(_ text: String, to url: URL) throws {
        var info = stat(), existing = Data()
        if stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
            do { existing = try Data(contentsOf: url) } catch { throw FileError(foundation: error) ?? error }
        }
        try write(existing + Data(text.utf8), to: url)
    }

    /// Pretty, key-sorted JSON, so that result files diff cleanly between runs.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL, encoder: JSONEncoder? = nil) throws {
        let encoder = encoder ?? {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return encoder
        }()
        var data = try encoder.encode(value)
        data.append(0x0A)
        try write(data, to: url)
    }
}
