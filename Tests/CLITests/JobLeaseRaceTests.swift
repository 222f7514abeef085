import BermoTestSupport
import Foundation
import Testing

/// Several `bermo run` processes started at once on one output directory race for the same jobs: each job is
/// run (and recorded) by exactly one of them, each stale lease is taken over by exactly one, and a lease
/// that is renewed keeps its job from all of them. The suite is real but instant: `glue.finetune` jobs
/// on an empty data directory each record "skipped" at once.
@Suite struct JobLeaseRaceTests {
    static let processes = 4

    struct Workspace {
        let root: URL, noData: URL

        init() throws {
            root = try CLI.temporaryDirectory()
            noData = root.appendingPathComponent("no-data")
            try FileManager.default.createDirectory(at: noData, withIntermediateDirectories: true)
        }

        func suite(_ name: String, variants: String, seeds: String, tasks: [String]) throws -> URL {
            let url = root.appendingPathComponent("\(name).yaml")
            try ("suite: \(name)\nmodel: minilm-l6\nvariants: \(variants)\nseeds: \(seeds)\ntasks:\n"
                + tasks.map { "  - {task: \($0), plugin: glue.finetune}\n" }.joined()).write(to: url, atomically: true, encoding: .utf8)
            return url
        }

        /// `bermo run suite` into `out`, by `count` processes at once.
        func race(_ suite: URL, out: URL, count: Int = JobLeaseRaceTests.processes) -> [Result<CLI.Result, any Error>] {
            let arguments = ["run", suite.path, "--output-dir", out.path, "--data-dir", noData.path, "--threads", "1"]
            return inParallel(Array(0..<count), allAtOnce: true) { _ in Result { try CLI.run(arguments) } }
        }

        /// The suite's jobs as the log names them, by id (from a run of its own).
        func jobs(_ suite: URL) throws -> [String: String] {
            let out = root.appendingPathComponent("learn-\(suite.deletingPathExtension().lastPathComponent)")
            let run = try race(suite, out: out, count: 1)[0].get()
            try #require(run.status == 0, "\(run.stderr)")
            var names: [String: String] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("jobs").path) where file.hasSuffix(".json") {
                let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("jobs/\(file)"))) as? [String: Any])
                let variant = try #require((record["variant"] as? [String: Any])?["name"] as? String)
                names[try #require(record["id"] as? String)] = "\(record["task"]!) · \(variant) · seed \(record["seed"]!)"
            }
            return names
        }
    }

    /// Writes `jobs/<name>` in `out` with `content`, last modified `age` seconds ago.
    static func place(_ content: String, _ name: String, in out: URL, age: Double) throws {
        let jobs = out.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        let url = jobs.appendingPathComponent(name)
        try content.write(to: url, atomically: true, encoding: .utf8)
        let t = Date().timeIntervalSince1970 - age
        let mtime = timespec(tv_sec: Int(t), tv_nsec: 0)
        #expect(utimensat(AT_FDCWD, url.path, [mtime, mtime], 0) == 0)
    }

    static func lease(host: String) -> String {
        #"{"attempt": 1, "bermo": "0.2.0", "host": "\#(host)", "job": "x", "pid": 4242, "slurm_array_job_id": "77", "slurm_array_task_id": "3", "#
            + #""started": "2026-01-01T00:00:00Z", "token": "0123456789abcdef"}"#
    }

    /// What the racing processes did: the jobs each ran, the takeovers each logged (as "took over", or as
    /// "retired" by a process whose rename won but which another process beat to the new lease).
    struct Outcome {
        var ran: [String] = [], tookOver: [String] = [], runCounts: [Int] = [], problems: [String] = []

        init(_ runs: [Result<CLI.Result, any Error>]) {
            for run in runs {
                guard let r = try? run.get() else { problems.append("\(run)"); continue }
                if r.status != 0 { problems.append("exit \(r.status): \(r.stderr)") }
                for line in r.stderr.split(separator: "\n") {
                    // "bermo: [3/24] sst2 · bert · seed 3: skipped: SST-2: …", "bermo: sst2 · bert · seed 1: took over the lease of …"
                    if line.hasPrefix("bermo: ["), let close = line.firstIndex(of: "]"), let end = line.range(of: ": skipped:") {
                        ran.append(String(line[line.index(close, offsetBy: 2)..<end.lowerBound]))
                    } else if line.hasPrefix("bermo: "), let at = line.range(of: ": took over the ") ?? line.range(of: ": retired the ") {
                        tookOver.append(String(line[line.index(line.startIndex, offsetBy: 7)..<at.lowerBound]))
                    } else if let summary = line.range(of: #"^bermo: (\d+) job\(s\) run"#, options: .regularExpression) {
                        runCounts.append(Int(line[summary].split(separator: " ")[1])!)
                    }
                }
            }
        }
    }

    @Test("several bermo run on one output directory: each job run once, each stale lease taken over once")
    func processesShareTheJobs() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(at: w.root) }
        let suite = try w.suite("race", variants: "[bert, bermo]", seeds: "[1, 2, 3, 4, 5, 6]", tasks: ["sst2", "cola"])
        let names = try w.jobs(suite)
        try #require(names.count == 24)
        let ids = names.keys.sorted()
        for round in 0..<3 {
            let out = w.root.appendingPathComponent("out-\(round)")
            // Left by processes that died: a garbage lease, another host's lease and a bermo 0.1 claim, all silent
            // for 1000 s; and a live process's lease (renewed 5 s ago), whose job nobody else may run.
            try Self.place("garbage", "\(ids[0]).lease", in: out, age: 1000)
            try Self.place(Self.lease(host: "node-7"), "\(ids[1]).lease", in: out, age: 1000)
            try Self.place("node-8 4242 2026-01-01T00:00:00Z\n", "\(ids[2]).claim", in: out, age: 1000)
            try Self.place(Self.lease(host: "node-9"), "\(ids[3]).lease", in: out, age: 5)

            let outcome = Outcome(w.race(suite, out: out))
            #expect(outcome.problems.isEmpty, "\(outcome.problems)")
            #expect(outcome.runCounts.count == Self.processes && outcome.runCounts.reduce(0, +) == 23, "round \(round): \(outcome.runCounts)")
            #expect(outcome.ran.count == 23 && Set(outcome.ran) == Set(ids.dropFirst(4).map { names[$0]! } + ids.prefix(3).map { names[$0]! }),
                    "round \(round): \(outcome.ran.sorted())")
            #expect(outcome.tookOver.sorted() == ids.prefix(3).map { names[$0]! }.sorted(), "round \(round): \(outcome.tookOver)")
            // Left: a record per job run, and the live process's lease; no temporary, stale or clock files.
            let left = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("jobs").path)
            #expect(Set(left) == Set(ids.filter { $0 != ids[3] }.map { "\($0).json" } + ["\(ids[3]).lease"]), "round \(round): \(left.sorted())")
        }
    }

    @Test("processes racing for one job (a stale lease): exactly one runs it")
    func oneJobOneWinner() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(at: w.root) }
        let suite = try w.suite("one", variants: "[bert]", seeds: "[1]", tasks: ["sst2"])
        let id = try #require(try w.jobs(suite).keys.first)
        for round in 0..<3 {
            let out = w.root.appendingPathComponent("out-\(round)")
            if round > 0 { try Self.place(Self.lease(host: "node-7"), "\(id).lease", in: out, age: 1000) }
            let outcome = Outcome(w.race(suite, out: out))
            #expect(outcome.problems.isEmpty, "\(outcome.problems)")
            #expect(outcome.runCounts.sorted() == Array(repeating: 0, count: Self.processes - 1) + [1], "round \(round): \(outcome.runCounts)")
            #expect(outcome.ran == ["sst2 · bert · seed 1"])
            #expect(outcome.tookOver.count == (round > 0 ? 1 : 0), "round \(round): \(outcome.tookOver)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("jobs").path) == ["\(id).json"])
        }
    }
}
