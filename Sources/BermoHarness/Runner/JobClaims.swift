import Foundation

/// Marks a job as being run, so several `bermo run` processes on one output directory (say one per core,
/// each with `--threads 1`) share a suite's jobs instead of each running all of them.
///
/// A claim is the file `jobs/<id>.claim`, created with `O_CREAT | O_EXCL` (atomic on local filesystems and
/// NFSv3+) and holding the claimant's host and process id. It is removed when the job ends, however it
/// ends. A claim left by a process that died (same host, process gone) is stale and taken over; a claim from
/// another host is honoured, since its process cannot be checked from here; delete the file to release it.
public struct JobClaims: Sendable {
    public let layout: OutputLayout
    public init(_ layout: OutputLayout) { self.layout = layout }

    public enum Result: Equatable, Sendable {
        case acquired
        /// Another live process holds it; the text names host and pid.
        case heldBy(String)
    }

    static let host = ProcessInfo.processInfo.hostName
    static let pid = ProcessInfo.processInfo.processIdentifier

    public func claimFile(_ id: String) -> URL { layout.jobs.appendingPathComponent("\(id).claim") }

    /// Claims `id` for this process, taking over a stale claim once.
    public func claim(_ id: String) throws -> Result {
        try FileManager.default.createDirectory(at: layout.jobs, withIntermediateDirectories: true)
        let path = claimFile(id).path
        for _ in 0..<2 {
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                let text = "\(Self.host) \(Self.pid) \(Timestamp.string(Date()))\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                return .acquired
            }
            guard errno == EEXIST else {
                throw HarnessError("\(path): cannot create the job's claim file (\(String(cString: strerror(errno)))); "
                    + "check that the output directory is writable")
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard Self.isStale(holder) else { return .heldBy(holder.isEmpty ? "an unknown process" : holder) }
            unlink(path)
        }
        return .heldBy("a process that keeps re-creating \(path)")
    }

    /// Releases a claim this process holds (a no-op when the file is gone).
    public func release(_ id: String) {
        let path = claimFile(id).path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        if Self.localPid(text) == Self.pid { unlink(path) }
    }

    /// True when the claim names this host and a process that no longer exists. A claim being written (empty)
    /// or from another host is not stale.
    static func isStale(_ holder: String) -> Bool {
        guard let pid = localPid(holder) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The pid a claim's text (`host pid timestamp`) names when its host is this one; nil otherwise.
    static func localPid(_ text: String) -> Int32? {
        let parts = text.split(separator: " ")
        guard parts.count >= 2, parts[0] == host else { return nil }
        return Int32(parts[1])
    }
}
