import BermoBench
import BermoRuntime
import Foundation

/// What a job's lease costs: `bermo bench leases [--dir D]`. Run it with `--dir` on the shared filesystem a
/// cluster's output directory lives on: there every lease operation is a round trip to the file server, and
/// the number per job bounds how many jobs a second the whole array can start.
///
/// Per job, as `bermo run` does it: acquire (a temporary file written, `link(2)`ed to `jobs/<id>.lease`,
/// unlinked), one heartbeat (`confirm`: open, read the token, `futimens`), release (read, unlink); and a
/// takeover of a stale lease (look, rename aside, judge again, create anew), which only happens after a
/// process died.
public struct LeaseBenchmark: Benchmark {
    public struct Options: Settings {
        @Setting("jobs", .in(1...100_000), help: "Leases taken, renewed and released per timed pass.")
        public var jobs = 200
        @Setting("reps", .in(1...100), help: "Timed passes (median reported).")
        public var reps = 5
        @Setting("dir", help: "Directory the scratch output directory is made in (default: the system's temporary directory); put it on the filesystem to measure, e.g. NFS.")
        public var dir: String? = nil
        public init() {}
    }

    public init() {}
    public var name: String { "leases" }
    public var summary: String { "µs per job of a job's lease: acquire, heartbeat, release, takeover (ignores --model and --threads)." }

    public func run(options: Options, context: BenchContext) throws {
        let parent = options.dir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.temporaryDirectory
        let scratch = parent.appendingPathComponent("bermo-bench-leases-\(LeaseHolder.random())", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // A heartbeat far beyond a pass: the background renewals stay out of the timings; `confirm` is one.
        let leases = JobLeases(OutputLayout(scratch), timeout: 3600, heartbeat: 3600)
        let ids = (0..<options.jobs).map { String(format: "%016x", $0) }
        var held: [JobLease] = []
        func acquireAll() throws {
            held = try ids.map { id in
                guard case .acquired(let lease) = try leases.acquire(id) else { throw HarnessError("\(scratch.path): lease on \(id) not acquired") }
                return lease
            }
        }
        func emit(_ operation: String, _ seconds: Double) throws {
            try context.emit(["workload": "lease-\(operation)", "jobs": options.jobs, "us_per_job": seconds * 1e6 / Double(options.jobs),
                          "filesystem": FilesystemKind.of(scratch)?.name ?? "unknown"])
        }
        var acquire: [Double] = [], confirm: [Double] = [], release: [Double] = []
        for _ in 0..<options.reps {
            acquire.append(try BenchTimer.seconds { try acquireAll() })
            confirm.append(try BenchTimer.seconds {
                for lease in held where !lease.confirm() { throw HarnessError("\(lease.file.path): lease lost during the benchmark: \(lease.lostReason ?? "?")") }
            })
            release.append(BenchTimer.seconds { for lease in held { lease.release() }; held = [] })
        }
        try emit("acquire", BenchTimer.median(of: acquire))
        try emit("heartbeat", BenchTimer.median(of: confirm))
        try emit("release", BenchTimer.median(of: release))

        // Takeover: each lease left behind by a process that stopped renewing it an hour ago.
        let impatient = JobLeases(OutputLayout(scratch), timeout: 60, heartbeat: 3600)
        var takeover: [Double] = []
        for _ in 0..<options.reps {
            try acquireAll()
            let old = Date(timeIntervalSinceNow: -3600)
            for lease in held { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: lease.file.path) }
            takeover.append(try BenchTimer.seconds {
                for id in ids {
                    guard case .acquired(let lease) = try impatient.acquire(id) else { throw HarnessError("\(scratch.path): stale lease on \(id) not taken over") }
                    lease.release()
                }
            })
            held = []  // lost to the takeover: their release leaves the successors' files alone
        }
        try emit("takeover", BenchTimer.median(of: takeover))
    }
}
