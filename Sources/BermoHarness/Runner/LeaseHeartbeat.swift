import Foundation
import Synchronization

/// A lease this process holds on a job (see `JobLeases`): a background thread renews it every `heartbeat`
/// seconds until it is released.
///
/// Each heartbeat first checks that the lease file still holds this lease's token, then touches it through
/// the same open file (`futimens` with `UTIME_NOW`: on NFS the server sets the time). A file that is gone, or
/// holds another token (taken over while this process was stopped or starved for longer than the timeout),
/// marks the lease lost for good; `confirm()` makes the same check at once, and the runner calls it before
/// writing the job's record, so a process that lost its lease records nothing (what is left is the window
/// between that check and the write: milliseconds, against a timeout of minutes).
public final class JobLease: Sendable {
    public let id: String
    public let file: URL
    public let holder: LeaseHolder
    let name: String
    let log: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let stop = DispatchSemaphore(value: 0)

    struct State {
        var lost: String?
        var released = false
    }

    init(id: String, name: String, file: URL, holder: LeaseHolder, heartbeat: Double, log: @escaping @Sendable (String) -> Void) {
        self.id = id; self.name = name; self.file = file; self.holder = holder; self.log = log
        let stop = self.stop
        // Holds the lease only during a beat, so a lease dropped without `release()` still ends in `deinit`.
        let thread = Thread { [weak self] in
            while stop.wait(timeout: .now() + heartbeat) == .timedOut {
                guard let lease = self, lease.renew() else { return }
            }
        }
        thread.name = "bermo lease \(id)"
        thread.start()
    }

    deinit { release() }

    /// How the lease was lost ("taken over by host … pid …", "its file is gone"), or nil while it is held.
    public var lostReason: String? { state.withLock { $0.lost } }
    public var isLost: Bool { lostReason != nil }

    /// Checks and renews the lease now rather than at the next heartbeat (the process may have been stopped
    /// for longer than the timeout): true while the lease file is still this lease's.
    public func confirm() -> Bool {
        if isLost { return false }
        if let problem = check() { markLost(problem); return false }
        return true
    }

    /// Stops the heartbeat and removes the lease file, unless it is lost (the file is then a successor's).
    /// Idempotent.
    public func release() {
        let first = state.withLock { s in
            defer { s.released = true }
            return !s.released
        }
        guard first else { return }
        stop.signal()
        guard !isLost, let data = FileManager.default.contents(atPath: file.path),
              LeaseHolder.parse(data)?.token == holder.token else { return }
        unlink(file.path)
    }

    /// One heartbeat; false once the lease is lost or released (the thread then ends).
    func renew() -> Bool { !state.withLock { $0.released } && confirm() }

    /// Touches the lease file when it still holds this lease's token; otherwise says what happened to it.
    /// An error other than the file being gone (a transient NFS error) is logged and the lease kept: the next
    /// heartbeat tries again, and a lease that stays silent is taken over, which the token then shows.
    func check() -> String? {
        for attempt in 0..<2 {
            // A contender that judged the lease stale and then saw it renewed puts it back at once: look twice.
            if attempt > 0 { Thread.sleep(forTimeInterval: 0.2) }
            let fd = open(file.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { continue }
                log("\(name): cannot open its lease \(file.path) (\(LeaseIO.describe(errno))); trying again at the next heartbeat")
                return nil
            }
            defer { close(fd) }
            let found = LeaseIO.contents(of: fd).flatMap(LeaseHolder.parse)
            guard found?.token == holder.token else {
                return "taken over by \(found?.description ?? "another process")"
            }
            if futimens(fd, nil) != 0 {
                log("\(name): cannot renew its lease \(file.path) (\(LeaseIO.describe(errno))); trying again at the next heartbeat")
            }
            return nil
        }
        return "its file is gone"
    }

    func markLost(_ problem: String) {
        let first = state.withLock { s in
            guard !s.released, s.lost == nil else { return false }
            s.lost = problem
            return true
        }
        if first { log("\(name): lost its lease: \(problem) (\(file.path)); another process may run the job now, so this one will not record it") }
    }
}
