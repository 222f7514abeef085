import Foundation

/// Removes what killed processes left half-written: a process killed with SIGKILL (or by a second Ctrl-C,
/// the OOM killer, a lost node) cannot clean up, so the next process that looks removes such files once they
/// have been untouched for long enough that no live writer can own them.
///
/// Age is judged against the file system's clock (the mtime of a file just touched), never this host's, so
/// the clock skew between NFS clients does not matter.
public enum StaleTemporaries {
    /// How long a temporary must be untouched to be a dead process's, in seconds: live writers touch theirs
    /// continuously (encode flushes every megabyte) and finish in seconds to minutes.
    public static let age: Double = 3600

    /// Removes the regular files in `directory` that `matches` accepts and whose mtime is more than `age`
    /// seconds before `now`, a time by the file system's clock (`FilesystemClock`). Quietly keeps whatever it
    /// cannot judge or remove.
    public static func sweep(in directory: URL, now: Double, olderThan age: Double = age, where matches: (String) -> Bool) {
        sweep(in: directory, now: now) { matches($0) ? age : nil }
    }

    /// As above with an age per name (nil: keep the file), so one listing of a large directory serves every kind.
    public static func sweep(in directory: URL, now: Double, ageFor: (String) -> Double?) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names {
            guard let age = ageFor(name) else { continue }
            let path = directory.appendingPathComponent(name).path
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, now - FilesystemClock.seconds(info.st_mtim) > age else { continue }
            unlink(path)
        }
    }

    /// Removes the stale temporaries of `temporary`'s destination; `fd` is the writer's own, just created
    /// there, whose mtime is the file system's "now".
    static func sweep(_ temporary: TemporaryName, besides fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        sweep(in: temporary.directory, now: FilesystemClock.seconds(info.st_mtim)) { $0.hasPrefix(temporary.prefix) }
    }

    /// Removes every stale temporary (`.<name>.tmp-*`) and clock probe (`.clock-*`) in a directory bermo owns,
    /// such as the feature cache.
    public static func sweepAll(in directory: URL) {
        let clock = FilesystemClock(in: directory)
        guard let now = try? clock.now() else { return }
        defer { clock.remove() }
        sweep(in: directory, now: now) { name in
            TemporaryName.isTemporary(name) || (name.hasPrefix(FilesystemClock.probePrefix) && name != clock.probeName)
        }
    }
}
