import Foundation

/// "Now" by the clock of the file system holding a directory: the mtime of a probe file just touched
/// (`UTIME_NOW`, which an NFS server sets from its own clock). Files written there by processes on other
/// hosts are judged against it, so clock skew between hosts does not matter.
public struct FilesystemClock: Sendable {
    /// The probe's path: `.clock-<host>-<pid>` in the directory.
    public let probe: String
    /// Added to the file system's time: tests play a server whose clock differs from this host's.
    public let offset: Double

    /// What every probe's name starts with.
    public static let probePrefix = ".clock-"

    public init(probe: String, offset: Double = 0) { self.probe = probe; self.offset = offset }

    /// The clock of `directory`'s file system, probed by this process's own file there.
    public init(in directory: URL, offset: Double = 0) {
        self.init(probe: directory.appendingPathComponent("\(Self.probePrefix)\(Self.host)-\(getpid())").path, offset: offset)
    }

    public var probeName: String { (probe as NSString).lastPathComponent }

    public func now() throws -> Double {
        let fd = open(probe, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileError(path: probe, action: "cannot create the clock's probe file", code: errno,
                            fix: "check that the directory is writable")
        }
        defer { close(fd) }
        var info = stat()
        guard futimens(fd, nil) == 0, fstat(fd, &info) == 0 else {
            throw FileError(path: probe, action: "cannot touch the clock's probe file", code: errno)
        }
        return Self.seconds(info.st_mtim) + offset
    }

    public func remove() { unlink(probe) }

    public static func seconds(_ t: timespec) -> Double { Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }

    /// This host's name, as probes and leases name it.
    public static let host: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
