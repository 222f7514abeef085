import Foundation
import Synchronization

/// Runs the built `bermo` executable (the tests build it: `swift build --build-tests` builds every product),
/// and other programs the tests drive (Slurm's clients, scripts).
public enum CLI {
    public static let packageRoot = PackageRoot.url

    /// `$BERMO_CLI` when set (`make sanitize` points it at the AddressSanitizer build), else the debug build, else
    /// the release build.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["BERMO_CLI"], !path.isEmpty { return URL(fileURLWithPath: path) }
        for config in ["debug", "release"] {
            let url = packageRoot.appendingPathComponent(".build/\(config)/bermo")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/bermo")
    }

    public struct Result: Sendable {
        public let status: Int32
        /// Whether the process exited (rather than being killed by a signal: a crash).
        public let exited: Bool
        public let stdout: String
        public let stderr: String
        /// Killed (SIGKILL) because it ran past the caller's timeout: a hang.
        public var timedOut = false
    }

    /// Runs `bermo arguments` in `cwd` (default: the package root) with `environment` added to this
    /// process's; `$BERMO_DATA` defaults to the shared data directory.
    public static func run(_ arguments: [String], cwd: URL? = nil, environment: [String: String] = [:], timeout: Double? = nil) throws -> Result {
        var env = ["BERMO_DATA": ProcessInfo.processInfo.environment["BERMO_DATA"] ?? DataPaths.root.path]
        env.merge(environment) { _, new in new }
        return try run(executable: binary, arguments, cwd: cwd, environment: env, timeout: timeout)
    }

    /// Runs any program (`executable`, or a name looked up on `PATH` through /usr/bin/env) in `cwd`
    /// (default: the package root) with `environment` added to this process's, and collects its output.
    /// After `timeout` seconds it is killed and the result says `timedOut`.
    public static func run(executable: URL, _ arguments: [String], cwd: URL? = nil, environment: [String: String] = [:],
                           timeout: Double? = nil) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = cwd ?? packageRoot
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.runUnblocked()
        let killed = Mutex(false)
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem {
            killed.withLock { done in
                // Cancelled as soon as the child is reaped; a pid reused within that moment is not a practical risk.
                done = true
                kill(pid, SIGKILL)
            }
        }
        if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog) }
        defer { watchdog.cancel() }
        // Read both pipes while the process runs: a child filling one pipe would otherwise block forever.
        let errors = PipeContents()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        watchdog.cancel()
        return Result(status: p.terminationStatus, exited: p.terminationReason == .exit,
                      stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errors.data, as: UTF8.self),
                      timedOut: killed.withLock { $0 })
    }

    /// Runs the program `name` found on `PATH` (e.g. `sbatch`).
    public static func run(tool name: String, _ arguments: [String], cwd: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(executable: URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments, cwd: cwd, environment: environment)
    }

    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bermo-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What one pipe delivered, filled by the reader thread before `DispatchGroup.wait` returns.
private final class PipeContents: @unchecked Sendable {
    var data = Data()
}

/// Runs `body` for every item and returns the results in order: as many at a time as there are cores
/// (e.g. one-thread `bermo` subprocesses), or with `allAtOnce` every item at once on its own thread (processes
/// that must race each other).
public func inParallel<T: Sendable, R: Sendable>(_ items: [T], allAtOnce: Bool = false, _ body: @escaping @Sendable (T) -> R) -> [R] {
    let results = ParallelResults<R>(count: items.count)
    if allAtOnce {
        let group = DispatchGroup()
        for (i, item) in items.enumerated() {
            group.enter()
            Thread { results.set(i, body(item)); group.leave() }.start()
        }
        group.wait()
    } else {
        DispatchQueue.concurrentPerform(iterations: items.count) { i in results.set(i, body(items[i])) }
    }
    return results.values
}

private final class ParallelResults<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [R?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: R) { lock.withLock { slots[i] = value } }
    var values: [R] { lock.withLock { slots.map { $0! } } }
}

extension Process {
    /// `run()` with every signal unblocked in the child. A child inherits the signal mask of the thread that
    /// starts it, and the test runner's threads block SIGTERM and others: daemons started that way (munged,
    /// slurmd) ignore `kill -TERM` and a `bermo` never sees the SIGTERM a test sends it.
    public func runUnblocked() throws {
        var none = sigset_t(), old = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        try run()
    }
}
