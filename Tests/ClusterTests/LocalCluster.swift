import BermoTestSupport
import Foundation
import Testing

/// A one-node Slurm cluster on this machine for the length of one test: `scripts/slurm/local-cluster.sh`
/// in a temporary state directory (it installs `slurm-wlm` and `munge` when they are absent). Slurm's
/// clients, and `bermo submit slurm`, find it through `SLURM_CONF`, which every child process gets.
struct LocalCluster {
    static let script = CLI.packageRoot.appendingPathComponent("scripts/slurm/local-cluster.sh")
    /// States a job never leaves (`scontrol`'s spelling).
    static let terminalStates: Set<String> = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
                                              "BOOT_FAIL", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT"]

    let stateDirectory: URL
    var configuration: URL { stateDirectory.appendingPathComponent("slurm.conf") }
    var environment: [String: String] { ["SLURM_CONF": configuration.path] }

    /// Starts a cluster, runs `body` with it, and stops it however `body` ends: returning, throwing (a failed
    /// `#require` included). A watchdog outside this process's session stops it too should the test process die
    /// first (a crash, a kill), so no daemon outlives the test.
    static func with<T>(_ body: (LocalCluster) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bermo-slurm-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cluster = LocalCluster(stateDirectory: dir)
        try cluster.startWatchdog()
        defer { cluster.stop() }
        let start = try CLI.run(executable: URL(fileURLWithPath: "/bin/bash"), [script.path, "start", dir.path])
        try #require(start.status == 0, "local-cluster.sh start failed (exit \(start.status)):\n\(start.stderr)")
        // The script measures its start; keep the line in the test log.
        if let line = start.stderr.split(separator: "\n").last(where: { $0.contains("started in") }) { print(line) }
        return try body(cluster)
    }

    /// `while the test process lives and the test is not done: wait; then stop the cluster if the test did not`
    /// (done: `stop()` marked the state directory, or removed it).
    /// Detached with `setsid --fork`, so signals to the test's process group do not reach it.
    private func startWatchdog() throws {
        // It first closes what it inherited above stderr: Foundation's `Process` learns that a child ended through
        // a descriptor the child inherits, so a watchdog holding it would keep `waitUntilExit` waiting.
        let loop = """
            for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null; done
            while kill -0 "$1" 2>/dev/null && [ -d "$2" ] && [ ! -e "$2/test-done" ]; do sleep 1; done
            [ ! -d "$2" ] || [ -e "$2/test-done" ] || exec /bin/bash "$3" stop "$2"
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        p.arguments = ["--fork", "/bin/bash", "-c", loop, "watchdog", "\(getpid())", stateDirectory.path, Self.script.path]
        p.standardInput = FileHandle.nullDevice
        let log = stateDirectory.appendingPathComponent("watchdog.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle; p.standardError = handle
        try p.runUnblocked()
        p.waitUntilExit()  // setsid returns at once; the loop runs on in its own session
    }

    /// Stops the daemons (cancelling any job still running) and removes the state directory.
    func stop() {
        _ = FileManager.default.createFile(atPath: stateDirectory.appendingPathComponent("test-done").path, contents: nil)
        do {
            let stop = try CLI.run(executable: URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "stop", stateDirectory.path])
            if stop.status != 0 { Issue.record("local-cluster.sh stop failed (exit \(stop.status)):\n\(stop.stderr)") }
        } catch {
            Issue.record("local-cluster.sh stop could not run: \(error)")
        }
        try? FileManager.default.removeItem(at: stateDirectory)
    }

    /// Runs one of Slurm's clients (`sbatch`, `scontrol`, `scancel`, ...) against this cluster.
    @discardableResult
    func slurm(_ tool: String, _ arguments: [String], cwd: URL? = nil) throws -> CLI.Result {
        try CLI.run(tool: tool, arguments, cwd: cwd, environment: environment)
    }

    /// Runs `bermo` with this cluster's environment.
    func bermo(_ arguments: [String]) throws -> CLI.Result { try CLI.run(arguments, environment: environment) }

    /// The state of every task of job `id` (a plain job id, an array job id, or `A_i`), keyed by task
    /// (`"0"`, `"1"`, a pending range like `"0-2"`; `""` for a job that is no array), from `scontrol -o show job`.
    func states(of id: String) throws -> [String: String] {
        let r = try slurm("scontrol", ["-o", "show", "job", id])
        try #require(r.status == 0, "scontrol show job \(id) failed: \(r.stderr)")
        var states: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let fields = Dictionary(line.split(separator: " ").compactMap { field -> (String, String)? in
                guard let eq = field.firstIndex(of: "=") else { return nil }
                return (String(field[..<eq]), String(field[field.index(after: eq)...]))
            }, uniquingKeysWith: { a, _ in a })
            if let state = fields["JobState"] { states[fields["ArrayTaskId"] ?? ""] = state }
        }
        return states
    }

    /// Polls until every task of job `id` is in a terminal state; nil when `timeout` passes first.
    func waitUntilFinished(_ id: String, timeout: TimeInterval) throws -> [String: String]? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let s = try states(of: id)
            if !s.isEmpty && s.values.allSatisfy({ Self.terminalStates.contains($0) }) { return s }
            Thread.sleep(forTimeInterval: 2)
        }
        return nil
    }

    /// Polls `condition` every half second until it returns a value or `timeout` passes.
    func poll<T>(timeout: TimeInterval, _ condition: () throws -> T?) rethrows -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try condition() { return value }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return nil
    }

    /// What to look at when a test fails: the queue, the daemons' log tails and the tails of `logs`' files.
    func diagnostics(logs: URL? = nil) -> String {
        var out = ""
        for (tool, args) in [("squeue", ["-a"]), ("scontrol", ["-o", "show", "job"])] {
            out += "$ \(tool) \(args.joined(separator: " "))\n" + ((try? slurm(tool, args))?.stdout ?? "(did not run)\n")
        }
        var files = ["log/slurmctld.log", "log/slurmd.log"].map { stateDirectory.appendingPathComponent($0) }
        if let logs {
            files += ((try? FileManager.default.contentsOfDirectory(at: logs, includingPropertiesForKeys: nil)) ?? [])
                .sorted { $0.path < $1.path }
        }
        for f in files {
            guard let text = try? String(contentsOf: f, encoding: .utf8) else { continue }
            out += "----- \(f.path) (last 40 lines)\n" + text.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n") + "\n"
        }
        return out
    }
}
