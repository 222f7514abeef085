import BermoRuntime
import Foundation

/// The two sbatch scripts of a submitted suite, kept in `<output-dir>/slurm/` so they can be read and
/// resubmitted by hand: an array whose tasks each run `bermo run --worker` (taking the next free job until
/// none is left, so long and short jobs balance), and a finalize job, dependent on the whole array, that
/// writes results, reports and the gate's verdict (`bermo run --finalize`).
public struct SlurmJobScript: Sendable {
    /// Slurm's own options, passed through.
    public struct Resources: Sendable, Equatable {
        public var arrayTasks: Int
        public var cpusPerTask: Int
        public var partition: String?
        public var account: String?
        public var time: String?
        public var mem: String?
        public var qos: String?
        /// Further `#SBATCH` options, verbatim (`--constraint=avx2`).
        public var extra: [String] = []
        /// Let Slurm requeue a task that was preempted or whose node failed.
        public var requeue = true
        public init(arrayTasks: Int, cpusPerTask: Int) { self.arrayTasks = arrayTasks; self.cpusPerTask = cpusPerTask }
    }

    public var suiteName: String
    public var bermo: URL
    public var suite: URL
    public var outputDirectory: URL
    public var resources: Resources
    /// `bermo run` options every task gets (`--limit`, `--max-attempts`, `--lease-timeout`, `--data-dir`).
    public var runOptions: [String]
    /// Environment for the tasks: where data and the model cache are (on the shared filesystem).
    public var environment: [(String, String)]

    public init(suiteName: String, bermo: URL, suite: URL, outputDirectory: URL, resources: Resources,
                runOptions: [String], environment: [(String, String)]) {
        self.suiteName = suiteName; self.bermo = bermo; self.suite = suite; self.outputDirectory = outputDirectory
        self.resources = resources; self.runOptions = runOptions; self.environment = environment
    }

    public var directory: URL { outputDirectory.appendingPathComponent("slurm", isDirectory: true) }
    public var arrayScript: URL { directory.appendingPathComponent("array.sbatch") }
    public var finalizeScript: URL { directory.appendingPathComponent("finalize.sbatch") }
    public var logs: URL { directory.appendingPathComponent("logs", isDirectory: true) }

    /// The array's script. `exec` makes bermo the batch step's process, so the SIGTERM Slurm sends before it
    /// kills a task (`--signal=B:TERM@120`, scancel, preemption) reaches bermo, which stops at its next safe
    /// point with the job's checkpoint and releases its lease.
    public var arrayText: String {
        var lines = header(name: "bermo-\(suiteName)", output: logs.appendingPathComponent("%A_%a.out").path)
        lines.append("#SBATCH --array=0-\(resources.arrayTasks - 1)")
        lines.append("#SBATCH --cpus-per-task=\(resources.cpusPerTask)")
        for (flag, value) in [("partition", resources.partition), ("account", resources.account), ("time", resources.time),
                              ("mem", resources.mem), ("qos", resources.qos)] {
            if let value { lines.append("#SBATCH --\(flag)=\(value)") }
        }
        lines.append(resources.requeue ? "#SBATCH --requeue" : "#SBATCH --no-requeue")
        lines.append("#SBATCH --signal=B:TERM@120")
        lines += resources.extra.map { "#SBATCH \($0)" }
        lines += exports()
        lines.append("exec \(quote(bermo.path)) run \(quote(suite.path)) --output-dir \(quote(outputDirectory.path)) --worker \\")
        lines.append("  --threads \"${SLURM_CPUS_PER_TASK:-\(resources.cpusPerTask)}\"" + runOptions.map { " " + quote($0) }.joined())
        return lines.joined(separator: "\n") + "\n"
    }

    /// The finalize job's script (one CPU; it only reads job records and writes reports).
    public var finalizeText: String {
        var lines = header(name: "bermo-\(suiteName)-finalize", output: logs.appendingPathComponent("finalize_%j.out").path)
        lines.append("#SBATCH --cpus-per-task=1")
        for (flag, value) in [("partition", resources.partition), ("account", resources.account), ("qos", resources.qos)] {
            if let value { lines.append("#SBATCH --\(flag)=\(value)") }
        }
        lines += resources.extra.map { "#SBATCH \($0)" }
        lines += exports()
        lines.append("exec \(quote(bermo.path)) run \(quote(suite.path)) --output-dir \(quote(outputDirectory.path)) --finalize"
            + runOptions.map { " " + quote($0) }.joined())
        return lines.joined(separator: "\n") + "\n"
    }

    func header(name: String, output: String) -> [String] {
        ["#!/bin/bash",
         "# Written by `bermo submit slurm` (bermo \(BermoVersion.version)); resubmit by hand with `sbatch \(arrayScript.lastPathComponent)`,",
         "# then `sbatch --dependency=afterany:<array job id> \(finalizeScript.lastPathComponent)`.",
         "#SBATCH --job-name=\(name)",
         "#SBATCH --output=\(output)"]
    }

    func exports() -> [String] {
        environment.map { "export \($0.0)=\(quote($0.1))" }
    }

    /// Single-quoted for bash when it holds anything but safe characters.
    func quote(_ s: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !s.isEmpty && s.unicodeScalars.allSatisfy(safe.contains) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Writes both scripts (and creates the log folder).
    public func write() throws {
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try AtomicFile.write(arrayText, to: arrayScript)
        try AtomicFile.write(finalizeText, to: finalizeScript)
    }
}

/// The values `bermo submit slurm`'s numeric options accept (the others are `RunOptions`' and `Compute`'s).
public enum SlurmCommandRules {
    /// Array tasks: Slurm's own `MaxArraySize` default is 1001; clusters raise it, so only nonsense is refused.
    public static let array = SettingRule<Int>.in(1...100_000)
    /// Array tasks submitted when `--array` is not given, at most: one per unfinished job, but no more.
    public static let defaultTaskCap = 100
}
