import ArgumentParser
import BermoHarness
import BermoPlugins
import BermoRuntime
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite: every model × variant × task × seed job not already finished, then results, reports and the baseline gate.",
        discussion: """
            Exit status: 0 done (within tolerance), 1 regression against the suite's baseline, 2 usage or data error, or failed \
            or missing jobs, 143 (130) stopped by SIGTERM (SIGINT): the job in progress is left, with its checkpoint when \
            it saves them, for the next run.
            """)

    @Argument(help: "The suite YAML file.")
    var suite: String
    @Option(name: .customLong("output-dir"), help: "Where results go (default: the suite's output_dir, else results/<suite>).")
    var outputDir: String?
    @Flag(help: "Rerun jobs whose results already exist.")
    var force = false
    @Flag(name: .customLong("reuse-other-versions"), help: "Reuse finished jobs computed by another bermo release (listed in the run's notes) instead of rerunning them.")
    var reuseOtherVersions = false
    @Option(help: "Run the i-th of N deterministic slices of the jobs, e.g. 1/4; combine outputs with `bermo merge`.")
    var shard: String?
    @Option(help: "At most N examples per split (a quick run; part of the job ids).")
    var limit: Int?
    @Option(help: "Worker threads for the runtime kernels.")
    var threads: Int = Compute.defaultThreads
    @Flag(name: .customLong("log-samples"), help: "Write per-example samples as JSON Lines (samples/<job>.jsonl).")
    var logSamples = false
    @OptionGroup var data: SuiteDataOptions
    @Flag(name: .customLong("fail-fast"), help: "Stop at the first job that fails (default: run the others, then exit 2).")
    var failFast = false
    @Option(name: .customLong("lease-timeout"), help: "Seconds a job may go without a heartbeat before another process takes it over (several processes on one output directory; renewed every fifth of that).")
    var leaseTimeout: Int = JobLeases.defaultTimeout
    @Option(help: "Tolerance for the baseline gate, overriding the suite's: abs:X, rel:X, std:K, each optionally with ,welch:LEVEL (seed-noise test; see `bermo compare --help`), or METRIC=… (repeatable).")
    var tolerance: [String] = []
    @Option(name: .customLong("max-attempts"), help: "A job whose plugin failed this many times (in any process on this output directory) is not run again.")
    var maxAttempts = 2
    @Flag(help: "Run jobs only (take the next free job until none is left), leaving results and reports to `--finalize`: what each task of a Slurm array does.")
    var worker = false
    @Flag(help: "Run no job: write results, reports and the gate from the job records there are (a Slurm array's finalize step).")
    var finalize = false

    func validate() throws {
        try OptionRules.check(limit, RunOptions.limitRule, option: "--limit")
        try OptionRules.check(threads, Compute.threadsRule, option: "--threads")
        try OptionRules.check(maxAttempts, RunOptions.maxAttemptsRule, option: "--max-attempts")
        if worker && finalize { throw ValidationError("--worker and --finalize exclude each other: a worker runs jobs, finalize runs none") }
        try OptionRules.check(leaseTimeout, RunOptions.leaseTimeoutRule, option: "--lease-timeout")
    }

    func run() throws {
        var options = RunOptions(dataDirectory: data.directory)
        options.dataDirectorySource = data.source
        options.outputDirectory = outputDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
        options.force = force
        options.reuseOtherVersions = reuseOtherVersions
        options.limit = limit
        options.threads = threads
        noteNarrowBLASKernels()
        options.logSamples = logSamples
        options.failFast = failFast
        options.maxAttempts = maxAttempts
        options.mode = worker ? .worker : finalize ? .finalize : .complete
        StopRequest.install()
        options.leaseTimeout = leaseTimeout
        options.tolerance = try reportingErrors { try parseTolerances(tolerance) }
        let summary = try reportingErrors {
            options.shard = try shard.map { try Shard(parsing: $0) }
            return try SuiteRunner(registry: Plugins.registry(), options: options).run(suitePath: suite)
        }
        printError("bermo: \(summary.ran.count) job(s) run, \(summary.reused.count) reused, \(summary.failures.count) failed → \(summary.outputDirectory.path)")
        for note in summary.notes { printError("bermo: note: \(note)") }
        if let comparison = summary.comparison { print(ComparisonTable.text(comparison), terminator: "") }
        if !summary.failures.isEmpty {
            for f in summary.failures {
                printError("bermo: failed: \(f.task) · \(f.variant) · seed \(f.seed)" + (f.attempts.map { " (\($0) attempt(s))" } ?? "") + ": \(f.error)")
            }
            printError("bermo: rerun the same command to retry the failed jobs up to --max-attempts \(maxAttempts) (finished ones are kept)")
        }
        if summary.exitCode != 0 { throw ExitCode(summary.exitCode) }
    }
}
