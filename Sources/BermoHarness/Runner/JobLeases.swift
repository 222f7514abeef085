import BermoRuntime
import Foundation

/// Leases on jobs, so several `bermo run` processes on one output directory (one per core with `--threads 1`,
/// or Slurm array tasks on many hosts sharing it over NFS) share a suite's jobs, and a job whose process
/// died, hung or lost its host is run again by another after `timeout` seconds.
///
/// **The lease file** `jobs/<id>.lease` is JSON (`LeaseHolder`: host, pid, Slurm job and array task ids,
/// attempt, start time and a random token). It is **created atomically, on NFS too**: the complete content
/// is written to a unique temporary file in `jobs/` (named with host, pid and a random number), which is
/// then `link(2)`ed to the lease's name and unlinked. `link` either creates the name or fails with EEXIST,
/// atomically on every NFS version (unlike `O_CREAT | O_EXCL` on NFSv2 and old clients); when it reports
/// an error anyway, a link count of 2 on the temporary file means it succeeded and only the reply was lost
/// (the recipe of open(2)'s man page). So a lease is never visible half-written.
///
/// **Heartbeat and staleness.** The holder renews its lease by touching it (`JobLease`, every `heartbeat`
/// seconds, default `timeout / 5`). Staleness is judged against the filesystem's clock, not this host's:
/// "now" is the mtime of a probe file this process touches (`jobs/.clock-<host>-<pid>`, `UTIME_NOW`, which
/// NFS servers set from their own clock) right before comparing, so clock skew between hosts does not
/// matter. A lease silent for longer than `timeout` is stale, and so, at once, is one naming this host and a
/// process that is gone. The content is not needed to judge: an empty, garbage or unreadable lease, or a
/// bermo 0.1 claim (`jobs/<id>.claim`, never renewed), is judged by its mtime, so nothing blocks a job forever.
///
/// **Takeover.** A stale lease is renamed to a unique `jobs/.<id>.stale-<random>` (of several contenders,
/// one rename succeeds), judged again there (a holder that renewed it in between gets it back), deleted, and
/// replaced by a new lease created as above; every takeover is logged with who held it and how long it was
/// silent. A holder that was taken over (say, stopped for longer than the timeout) notices at its next
/// heartbeat or when it finishes (`JobLease.confirm()`), and the runner then drops its result: one process
/// records each job.
public final class JobLeases: Sendable {
    public let layout: OutputLayout
    /// Seconds a lease may go unrenewed before another process takes it over.
    public let timeout: Double
    /// Seconds between a holder's renewals.
    public let heartbeat: Double
    let log: @Sendable (String) -> Void
    let clock: FilesystemClock

    /// `bermo run --lease-timeout`'s default, in seconds.
    public static let defaultTimeout = 300

    /// `log` receives takeovers and lost leases, without the `bermo: ` prefix.
    public convenience init(_ layout: OutputLayout, timeout: Double = Double(defaultTimeout), heartbeat: Double? = nil,
                            log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.init(layout, timeout: timeout, heartbeat: heartbeat, clockOffset: 0, log: log)
    }

    /// `clockOffset` is added to the filesystem's time: tests play a file server whose clock differs from this host's.
    init(_ layout: OutputLayout, timeout: Double, heartbeat: Double?, clockOffset: Double, log: @escaping @Sendable (String) -> Void) {
        self.layout = layout; self.timeout = timeout; self.heartbeat = heartbeat ?? timeout / 5; self.log = log
        clock = FilesystemClock(in: layout.jobs, offset: clockOffset)
    }

    deinit { clock.remove() }

    public enum Acquisition: Sendable {
        case acquired(JobLease)
        /// Another process holds the job; the text names it and when it last renewed its lease.
        case heldBy(String)
    }

    public func leaseFile(_ id: String) -> URL { layout.jobs.appendingPathComponent("\(id).lease") }
    /// bermo 0.1's claim (`host pid timestamp`, never renewed): honoured until it is silent for `timeout`.
    public func oldClaimFile(_ id: String) -> URL { layout.jobs.appendingPathComponent("\(id).claim") }

    /// Takes the lease on job `id` (shown as `name` in messages), taking over a stale one.
    public func acquire(_ id: String, name: String? = nil) throws -> Acquisition {
        let shown = name ?? id
        do {
            try FileManager.default.createDirectory(at: layout.jobs, withIntermediateDirectories: true)
        } catch {
            throw HarnessError("cannot create \(layout.jobs.path): \(error.localizedDescription); check that the output directory is writable")
        }
        // What this call moved aside, logged once the outcome is known. Only the contender whose rename
        // succeeded logs it, so each takeover is logged once, also when a third process, which never saw the
        // stale lease, creates the new one first.
        var retired: [String] = []
        func outcome(_ result: Acquisition) -> Acquisition {
            guard !retired.isEmpty else { return result }
            switch result {
            case .acquired: log("\(shown): took over \(retired.joined(separator: " and "))")
            case .heldBy(let holder): log("\(shown): retired \(retired.joined(separator: " and ")); the job went to \(holder)")
            }
            return result
        }
        let claim = oldClaimFile(id).path
        if let found = try look(claim) {
            guard found.isStale(after: timeout) else { return .heldBy("a bermo 0.1 claim by \(found.who), \(found.age) old") }
            switch try moveAside(claim, id: id) {
            case .moved(let copy, let moved):
                unlink(copy)
                retired.append("the bermo 0.1 claim of \(moved.who) (\(moved.silenceText))")
            case .gone: break
            case .renewed(let moved): return .heldBy("a bermo 0.1 claim by \(moved.who)")
            }
        }
        let path = leaseFile(id).path
        var attempt = 1
        for _ in 0..<4 {
            let holder = LeaseHolder.current(job: id, attempt: attempt)
            if try create(path, id: id, holder: holder) {
                return outcome(.acquired(JobLease(id: id, name: shown, file: leaseFile(id), holder: holder, heartbeat: heartbeat, log: log)))
            }
            guard let found = try look(path) else { continue }  // released in between: try again
            guard found.isStale(after: timeout) else { return outcome(.heldBy("\(found.who), renewed \(found.age) ago")) }
            attempt = (found.holder?.attempt ?? 1) + 1
            switch try moveAside(path, id: id) {
            case .moved(let copy, let moved):
                unlink(copy)
                retired.append("the lease of \(moved.who) (\(moved.silenceText))")
            case .gone: continue
            case .renewed(let moved): return outcome(.heldBy("\(moved.who), renewed just now"))
            }
        }
        return outcome(.heldBy("processes that keep replacing \(path)"))
    }

    /// Writes `holder` to a unique temporary file and links it to `path`; false when `path` exists.
    func create(_ path: String, id: String, holder: LeaseHolder) throws -> Bool {
        let temporary = layout.jobs.appendingPathComponent(".\(id).lease.tmp-\(LeaseHolder.host)-\(LeaseHolder.pid)-\(LeaseHolder.random())").path
        var data = try HarnessJSON.encoder(snakeCase: true).encode(holder)
        data.append(0x0A)
        try LeaseIO.create(temporary, holding: data)
        defer { unlink(temporary) }
        if link(temporary, path) == 0 { return true }
        let code = errno
        if LeaseIO.linkCount(temporary) == 2 { return true }  // linked; only the reply was lost
        if code == EEXIST { return false }
        throw HarnessError("\(path): cannot create the job's lease (\(LeaseIO.describe(code))); check that the output directory is "
            + "writable and on a filesystem with hard links")
    }

    enum Takeover {
        /// Moved to `copy` and still stale: the caller deletes the copy.
        case moved(copy: String, look: LeaseLook)
        /// Another contender moved it first.
        case gone
        /// Renewed by its holder between the first look and the rename: put back.
        case renewed(LeaseLook)
    }

    /// Moves the stale file at `path` aside under a unique name (of several contenders, one rename succeeds)
    /// and judges it again there.
    func moveAside(_ path: String, id: String) throws -> Takeover {
        let copy = layout.jobs.appendingPathComponent(".\(id).stale-\(LeaseHolder.random())").path
        if rename(path, copy) != 0 {
            let code = errno
            // On NFS a lost reply to a rename that succeeded reads ENOENT: the copy being there tells.
            guard code == ENOENT else {
                throw HarnessError("\(path): cannot move the stale lease aside (\(LeaseIO.describe(code))); check that \(layout.jobs.path) is writable")
            }
        }
        guard let moved = try look(copy) else { return .gone }
        if moved.isStale(after: timeout) { return .moved(copy: copy, look: moved) }
        // link(2), not rename(2): a lease created at `path` meanwhile stays (its predecessor's holder then finds it lost).
        _ = link(copy, path)
        unlink(copy)
        return .renewed(moved)
    }

    /// The file at `path` (nil when there is none): who it names, and how long it has been silent by the
    /// filesystem's clock. Opened (not just stat'ed) so that NFS revalidates its attributes.
    func look(_ path: String) throws -> LeaseLook? {
        var info = stat()
        var data: Data?
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            guard fstat(fd, &info) == 0 else { throw HarnessError("\(path): cannot stat the job's lease (\(LeaseIO.describe(errno)))") }
            if info.st_mode & S_IFMT == S_IFREG { data = LeaseIO.contents(of: fd) }
        } else if errno == ENOENT {
            return nil
        } else if lstat(path, &info) != 0 {
            // Not openable (a symlink, or no permission): judged by the mtime alone.
            if errno == ENOENT { return nil }
            throw HarnessError("\(path): cannot stat the job's lease (\(LeaseIO.describe(errno))); check the permissions of \(layout.jobs.path)")
        }
        let now = try clock.now()
        let holder = data.flatMap(LeaseHolder.parse)
        let gone = holder.map { $0.host == LeaseHolder.host && LeaseHolder.isGone($0.pid) } ?? false
        return LeaseLook(holder: holder, silence: now - FilesystemClock.seconds(info.st_mtim), holderGone: gone)
    }
}

/// One look at a lease (or bermo 0.1 claim) file.
struct LeaseLook {
    /// Nil when the file is empty, unreadable or not a lease.
    var holder: LeaseHolder?
    /// Seconds since its last renewal by the filesystem's clock (negative when renewed after the probe was read).
    var silence: Double
    /// It names this host and a process that is gone.
    var holderGone: Bool

    func isStale(after timeout: Double) -> Bool { holderGone || silence > timeout }
    var who: String { holder?.description ?? "an unknown holder (the file is empty, unreadable or not a lease)" }
    var age: String { "\(Int(max(0, silence).rounded())) s" }
    var silenceText: String { holderGone ? "process gone, silent for \(age)" : "silent for \(age)" }
}

/// What a lease file holds (snake_case JSON). Read for messages, for a same-host liveness check, and by the
/// holder's heartbeat (the token); staleness itself is judged by the file's mtime.
public struct LeaseHolder: Codable, Sendable, Equatable, CustomStringConvertible {
    public var job: String
    public var host: String
    public var pid: Int32
    public var slurmJobId: String?
    public var slurmArrayJobId: String?
    public var slurmArrayTaskId: String?
    /// 1 for the first lease on the job, one more for each takeover.
    public var attempt: Int
    /// When this holder took the lease, by its own clock (information only).
    public var started: String
    /// Random and unique to this holder: how a heartbeat tells its own lease from a successor's.
    public var token: String
    public var bermo: String

    static let host = FilesystemClock.host
    static let pid = getpid()

    /// No process `pid` exists on this host.
    static func isGone(_ pid: Int32) -> Bool { pid > 0 && kill(pid, 0) != 0 && errno == ESRCH }

    static func random() -> String { String(UInt64.random(in: .min ... .max), radix: 16) }

    static func current(job: String, attempt: Int, environment env: [String: String] = ProcessInfo.processInfo.environment) -> LeaseHolder {
        LeaseHolder(job: job, host: host, pid: pid, slurmJobId: env["SLURM_JOB_ID"], slurmArrayJobId: env["SLURM_ARRAY_JOB_ID"],
                    slurmArrayTaskId: env["SLURM_ARRAY_TASK_ID"], attempt: attempt, started: Timestamp.now(),
                    token: random() + random(), bermo: BermoVersion.version)
    }

    /// A lease's JSON, or bermo 0.1's claim text `host pid timestamp` (no token); nil for anything else.
    static func parse(_ data: Data) -> LeaseHolder? {
        if let lease = try? HarnessJSON.decoder(snakeCase: true).decode(LeaseHolder.self, from: data) { return lease }
        let parts = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard parts.count == 3, let pid = Int32(parts[1]) else { return nil }
        return LeaseHolder(job: "", host: String(parts[0]), pid: pid, attempt: 1, started: String(parts[2]), token: "", bermo: "0.1")
    }

    public var description: String {
        let slurm = slurmArrayJobId.map { "\($0)_\(slurmArrayTaskId ?? "?")" } ?? slurmJobId
        return "host \(host) pid \(pid)" + (slurm.map { " (Slurm job \($0))" } ?? "")
    }
}

/// The few raw-file operations leases need.
enum LeaseIO {
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The number of names `path` has, or 0. Opened rather than just stat'ed, so NFS fetches fresh attributes.
    static func linkCount(_ path: String) -> Int {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_nlink) : 0
    }

    /// Up to 64 KiB from `fd` (a lease is a few hundred bytes), nil when it cannot be read.
    static func contents(of fd: Int32) -> Data? {
        var data = Data(), buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < 65536 {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            data.append(contentsOf: buffer[..<n])
        }
        return data
    }

    /// Creates `path` (which must not exist) holding `data`.
    static func create(_ path: String, holding data: Data) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw HarnessError("\(path): cannot create the job's lease (\(describe(errno))); check that the output directory is writable")
        }
        let code = data.withUnsafeBytes { writeAll(fd, $0) }
        if close(fd) != 0 || code != 0 {
            unlink(path)
            throw HarnessError("\(path): cannot write the job's lease (\(describe(code != 0 ? code : errno))); check that the disk is not full")
        }
    }
}

extension JobLeases {
    /// A lease as `bermo status` reports it.
    public struct Inspection: Sendable {
        /// Nil when the file is empty, unreadable or not a lease.
        public var holder: LeaseHolder?
        /// Seconds since its holder last renewed it, by the filesystem's clock.
        public var silence: Double
        /// Silent longer than the timeout (or its holder gone): the next process to look will take it over.
        public var stale: Bool
    }

    /// Who holds `id`'s lease and how long it has been silent; nil when nobody does.
    public func inspect(_ id: String) -> Inspection? {
        guard let look = try? look(leaseFile(id).path) else { return nil }
        return Inspection(holder: look.holder, silence: look.silence, stale: look.isStale(after: timeout))
    }
}

extension JobLeases {
    /// Removes what killed processes left in `jobs/`: half-made leases (`.<id>.lease.tmp-*`), stale copies
    /// being retired (`.<id>.stale-*`), clock probes (`.clock-*`) and records being written (AtomicFile's
    /// hidden temporaries), once they are older than the lease timeout (a live process finishes such a file
    /// in milliseconds), or at once when their name says a process of this host made them that is gone.
    /// Called when a run starts, so nothing accumulates.
    public func sweep() {
        guard let now = try? clock.now() else { return }
        // One listing of jobs/ (thousands of records in a large suite); those of a gone process of this host need not wait.
        StaleTemporaries.sweep(in: layout.jobs, now: now) { name in
            guard name != clock.probeName else { return nil }
            if Self.madeByGoneProcess(name) { return -.infinity }
            return name.hasPrefix(".") ? timeout : nil
        }
    }

    /// `.clock-<host>-<pid>` and `.<id>.lease.tmp-<host>-<pid>-<random>` of this host whose process is gone.
    static func madeByGoneProcess(_ name: String) -> Bool {
        for marker in [".clock-\(LeaseHolder.host)-", ".lease.tmp-\(LeaseHolder.host)-"] {
            guard let range = name.range(of: marker) else { continue }
            let pid = name[range.upperBound...].prefix { $0.isNumber }
            return Int32(pid).map(LeaseHolder.isGone) ?? false
        }
        return false
    }
}
