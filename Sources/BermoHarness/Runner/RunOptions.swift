import BermoRuntime
import Foundation

/// What a `bermo run` process does with the suite's jobs.
public enum RunMode: Sendable, Equatable {
    /// Run every job not finished (or held by another process), then write results, reports and the gate.
    case complete
    /// Run jobs (taking the next free one until none is left, as an array task does) but leave results and
    /// reports to the finalize step, so tasks ending at different times do not write them over each other.
    case worker
    /// Run nothing: write results, reports and the gate from the job records there are (a Slurm array's
    /// dependent job); jobs without a record are listed as failed or missing.
    case finalize
}

/// How `bermo run` runs a suite.
public struct RunOptions: Sendable {
    /// Overrides the suite's `output_dir`; when both are absent, `results/<suite>` in the working directory.
    public var outputDirectory: URL?
    /// Rerun jobs even if their result files exist.
    public var force = false
    /// Reuse job files computed by another release of bermo (listed in the run's notes); by default they rerun.
    public var reuseOtherVersions = false
    public var shard: Shard?
    /// At most this many examples per split (part of job ids, so quick runs never pass for full ones).
    public var limit: Int?
    /// The limits accepted (`--limit`): a split needs at least one example.
    public static let limitRule = SettingRule<Int>.atLeast(1)
    public var threads = Compute.defaultThreads
    public var logSamples = false
    public var dataDirectory: URL
    /// How the data directory was chosen, for messages (`--data-dir`, `$BERMO_DATA`, `default`).
    public var dataDirectorySource = "--data-dir"
    /// Reusable artifacts (features, hashes); default `<model cache>/harness`.
    public var cacheDirectory: URL
    /// Stop at the first job that throws (default: carry on and report every failure at the end).
    public var failFast = false
    public var mode = RunMode.complete
    /// A job whose plugin threw this many times (in any process sharing the output directory) is not run
    /// again but reported as failed.
    public var maxAttempts = 2
    public static let maxAttemptsRule = SettingRule<Int>.in(1...100)
    /// Seconds a job's lease may go unrenewed before another process takes the job over (`--lease-timeout`);
    /// the holder renews it every fifth of that (see `JobLeases`).
    public var leaseTimeout = JobLeases.defaultTimeout
    /// The lease timeouts accepted: long enough for a heartbeat every 2 s, at most a week.
    public static let leaseTimeoutRule = SettingRule<Int>.in(10...604_800)
    /// Command-line tolerances, overriding the suite's (see `TolerancePolicy.tolerance(for:overriddenBy:)`).
    public var tolerance = TolerancePolicy()

    public init(dataDirectory: URL, cacheDirectory: URL = ModelStore().cacheDirectory.appendingPathComponent("harness", isDirectory: true)) {
        self.dataDirectory = dataDirectory; self.cacheDirectory = cacheDirectory
    }
}

/// What a run did.
public struct RunSummary: Sendable {
    public let results: ResultsDocument
    public let records: [JobRecord]
    /// Ids run by this invocation, in order.
    public let ran: [String]
    /// Ids whose earlier result files were reused.
    public let reused: [String]
    public let failures: [JobFailure]
    /// The gate's verdict when the suite declares a baseline (and the run is neither sharded nor limited).
    public let comparison: Comparison?
    public let outputDirectory: URL
    /// Notes for the user (why the gate was skipped, …).
    public let notes: [String]
    /// Set when a stop request (SIGTERM, SIGINT) ended the run early; the job in progress was left for a
    /// later run and no results were written.
    public var interrupted: Interrupted? = nil
    /// Jobs of the plan with no record at the end (finalize: not run, or still running elsewhere).
    public var missing: [String] = []

    /// 0: fine; 1: the gate found a regression; 2: jobs failed or are missing; 128 + signal when stopped.
    public var exitCode: Int32 {
        if let interrupted { return 128 + interrupted.signal }
        if !failures.isEmpty || !missing.isEmpty { return 2 }
        if comparison?.hasRegression == true { return 1 }
        return 0
    }
}
