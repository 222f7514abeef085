import Foundation

/// Runs an outside program (pip, curl, unzip, git, sbatch) and waits for it. Output goes to temporary files,
/// not pipes, so a chatty child can never block on a full pipe; the text is read back when it has exited.
public enum ChildProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` with `arguments`; `environment` entries are added to this process's environment.
    /// Throws only when the program cannot be started (naming it and why).
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           workingDirectory: URL? = nil) throws -> Outcome {
        let scratch = FileManager.default.temporaryDirectory
        let stdoutURL = scratch.appendingPathComponent("bermo-child-\(UUID().uuidString).out")
        let stderrURL = scratch.appendingPathComponent("bermo-child-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }
        guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
              FileManager.default.createFile(atPath: stderrURL.path, contents: nil) else {
            throw RuntimeError("cannot create temporary files in \(scratch.path) to run \(executable.lastPathComponent); check free space and TMPDIR")
        }
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL), stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer { try? stdoutHandle.close(); try? stderrHandle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        do { try process.run() } catch {
            throw RuntimeError("cannot start \(executable.path): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return Outcome(status: process.terminationStatus, stdout: read(stdoutURL), stderr: read(stderrURL))
    }

    /// `name` on `PATH`, or nil.
    public static func locate(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// The last lines of a child's output, indented, for quoting inside an error message.
    public static func tail(_ text: String, lines: Int = 12) -> String {
        let kept = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines)
        return kept.isEmpty ? "    (no output)" : kept.map { "    " + $0 }.joined(separator: "\n")
    }
}
