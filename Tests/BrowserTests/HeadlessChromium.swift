import BermoTestSupport
import Foundation

/// A real headless Chromium driven over the Chrome DevTools Protocol on a pipe (`--remote-debugging-pipe`:
/// commands go in on the browser's descriptor 3, answers and events come out on 4, each message JSON ended
/// by a NUL byte), started by `scripts/browser/chromium.sh run`, which installs Debian's chromium when it is
/// absent and stops the browser's whole session at its deadline even if this process dies first.
///
/// Use `with`: the browser is stopped however the body ends (returning, throwing, a failed `#require`).
final class HeadlessChromium: @unchecked Sendable {
    static let script = CLI.packageRoot.appendingPathComponent("scripts/browser/chromium.sh")

    struct ProtocolError: Error, CustomStringConvertible { let description: String }

    private let pid: pid_t
    private let commands: Int32
    /// Chromium's stderr (very chatty: D-Bus, GPU), shown when something fails.
    let logFile: URL
    /// Guarded by `arrived`, which the reader signals whenever a message comes.
    private var state = State()
    private let arrived = NSCondition()
    private var nextID = 0

    private struct State {
        var replies: [Int: [String: Any]] = [:]
        var events: [[String: Any]] = []
        var closed = false
    }

    /// Starts a browser with `deadline` seconds to live, runs `body`, and stops it.
    static func with<T>(deadline: Int = 300, _ body: (HeadlessChromium) throws -> T) throws -> T {
        let browser = try HeadlessChromium(deadline: deadline)
        defer { browser.stop() }
        return try body(browser)
    }

    private init(deadline: Int) throws {
        // Ignored, so a browser that died turns a write into EPIPE instead of killing the test process.
        signal(SIGPIPE, SIG_IGN)
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("bermo-chromium-\(UUID().uuidString.prefix(8)).log")
        var toBrowser = try Self.pipe(), fromBrowser = try Self.pipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // dup2 clears close-on-exec on the copies, so exactly these two reach the browser.
        posix_spawn_file_actions_adddup2(&actions, toBrowser.read, 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser.write, 4)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner's threads block signals a child would inherit: the script must see SIGTERM.
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for s in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = ["/bin/bash", Self.script.path, "run", "\(deadline)", "--remote-debugging-pipe", "about:blank"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/bin/bash", &actions, &attributes, argv, environ)
        close(toBrowser.read); close(fromBrowser.write)
        guard spawned == 0 else {
            close(toBrowser.write); close(fromBrowser.read)
            throw ProtocolError(description: "could not start \(Self.script.path): \(String(cString: strerror(spawned)))")
        }
        pid = child
        commands = toBrowser.write
        let answers = fromBrowser.read
        toBrowser = (-1, -1); fromBrowser = (-1, -1)
        Thread { [self] in readMessages(answers) }.start()
    }

    /// A pipe whose two ends are close-on-exec and above 4 (an end that were 3 or 4 would be overwritten by the
    /// other `dup2` to the child's 3 and 4). Glibc's `pipe2` is not visible to Swift, so each end is moved up with
    /// `F_DUPFD_CLOEXEC` at once.
    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw ProtocolError(description: "pipe: \(String(cString: strerror(errno)))") }
        let moved = fds.map { fd -> Int32 in
            let high = fcntl(fd, F_DUPFD_CLOEXEC, 10)
            close(fd)
            return high
        }
        guard moved.allSatisfy({ $0 >= 0 }) else { throw ProtocolError(description: "fcntl: \(String(cString: strerror(errno)))") }
        return (moved[0], moved[1])
    }

    /// Splits the browser's output into NUL-terminated JSON messages: replies by id, everything else an event.
    private func readMessages(_ fd: Int32) {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            buffer += chunk[0..<n]
            while let end = buffer.firstIndex(of: 0) {
                let message = (try? JSONSerialization.jsonObject(with: Data(buffer[..<end]))) as? [String: Any] ?? [:]
                buffer.removeSubrange(...end)
                arrived.lock()
                if let id = message["id"] as? Int { state.replies[id] = message } else { state.events.append(message) }
                arrived.broadcast()
                arrived.unlock()
            }
        }
        close(fd)
        arrived.lock()
        state.closed = true
        arrived.broadcast()
        arrived.unlock()
    }

    /// Sends `method` and waits for its reply; throws on a protocol error, a closed browser or a timeout.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Double = 60) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ProtocolError(description: "\(method): the browser closed its pipe (\(String(cString: strerror(errno))))\n\(logTail())") }
            offset += n
        }
        let deadline = Date().addingTimeInterval(timeout)
        arrived.lock()
        defer { arrived.unlock() }
        while true {
            if let reply = state.replies.removeValue(forKey: id) {
                if let error = reply["error"] as? [String: Any] {
                    throw ProtocolError(description: "\(method) failed: \(error["message"] ?? error)")
                }
                return reply["result"] as? [String: Any] ?? [:]
            }
            if state.closed { throw ProtocolError(description: "\(method): the browser exited before replying\n\(logTail())") }
            guard arrived.wait(until: deadline) else { throw ProtocolError(description: "\(method): no reply within \(Int(timeout)) s\n\(logTail())") }
        }
    }

    /// Every event so far (without removing them).
    var events: [[String: Any]] {
        arrived.lock()
        defer { arrived.unlock() }
        return state.events
    }

    /// Waits until an event `method` of `session` has arrived.
    func waitForEvent(_ method: String, session: String, timeout: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeout)
        arrived.lock()
        defer { arrived.unlock() }
        while !state.events.contains(where: { $0["method"] as? String == method && $0["sessionId"] as? String == session }) {
            if state.closed { throw ProtocolError(description: "the browser exited before \(method)\n\(logTail())") }
            guard arrived.wait(until: deadline) else { throw ProtocolError(description: "no \(method) within \(Int(timeout)) s\n\(logTail())") }
        }
    }

    /// The end of Chromium's log, for failure messages.
    func logTail() -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return "----- last lines of \(logFile.path)\n" + text.split(separator: "\n").suffix(30).joined(separator: "\n")
    }

    /// Asks the browser to close, then stops the script (which stops the browser's session) and reaps it.
    func stop() {
        _ = try? call("Browser.close", timeout: 10)
        close(commands)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(15)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGTERM); waitpid(pid, &status, 0); break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try? FileManager.default.removeItem(at: logFile)
    }
}
