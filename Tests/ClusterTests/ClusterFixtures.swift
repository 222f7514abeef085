import BermoTestSupport
import Foundation
import Testing

/// A small real suite: the real MiniLM-L6 checkpoint on real data, 2 tasks × 2 variants × 1 seed = 4 jobs.
/// The probe task reads a 96-sentence slice of SentEval's Tense data written beside the suite (its own file,
/// so no `--limit`: `bermo run` and `bermo submit slurm` plan the same job ids); the GLUE task fine-tunes on
/// 32 SST-2 examples and evaluates on 32.
enum SmallSuite {
    /// `long`: the GLUE jobs train 16 steps and save a checkpoint at every evaluation (every 4 steps), so a
    /// worker can be stopped in the middle of one and another can resume it.
    static func write(in dir: URL, long: Bool) throws -> URL {
        let lines = try String(contentsOf: DataPaths.senteval("past_present.txt"), encoding: .utf8).split(separator: "\n")
        var slice: [Substring] = []
        for (split, count) in [("tr", 48), ("va", 24), ("te", 24)] {
            slice += lines.filter { $0.hasPrefix("\(split)\t") }.prefix(count)
        }
        try (slice.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("tense.tsv"), atomically: true, encoding: .utf8)
        let glue = long ? "max_steps: 16, eval_steps: 4, save_checkpoints: true" : "max_steps: 4, eval_steps: 2"
        let suite = """
            suite: cluster-small
            model: minilm-l6
            variants: [bert, bermo]
            seeds: [1]
            tasks:
              - {task: tense, plugin: senteval.probe, file: tense.tsv, pooling: mean, max_epoch: 8}
              - {task: sst2, plugin: glue.finetune, glue_task: sst2, \(glue), max_train_samples: 32,
                 max_eval_samples: 32, max_seq_length: 32, per_device_train_batch_size: 8}
            output_dir: out

            """
        let url = dir.appendingPathComponent("suite.yaml")
        try suite.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// One `bermo submit slurm`: an array of 3 one-CPU workers and the finalize job that waits for them.
struct Submission {
    let array: String
    let finalize: String

    /// Submits `suite` into `output` and checks what the command says it did (its line and submission.json).
    static func submit(_ cluster: LocalCluster, suite: URL, output: URL, extra: [String] = []) throws -> Submission {
        let r = try cluster.bermo(["submit", "slurm", suite.path, "--output-dir", output.path, "--array", "3",
                                   "--cpus-per-task", "1", "--time", "00:20:00"] + extra)
        try #require(r.status == 0, "bermo submit slurm failed (exit \(r.status)):\n\(r.stdout)\(r.stderr)")
        let said = try #require((r.stdout + r.stderr).firstMatch(of: /submitted array job (\d+) \(3 tasks\) and finalize job (\d+)/),
                                "bermo submit slurm did not say what it submitted:\n\(r.stdout)\(r.stderr)")
        let submission = Submission(array: String(said.1), finalize: String(said.2))
        let file = output.appendingPathComponent("slurm/submission.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        #expect(json?["array_job_id"] as? String == submission.array && json?["finalize_job_id"] as? String == submission.finalize,
                "\(file.path): \(json ?? [:]) vs printed \(submission)")
        return submission
    }
}

/// A worker's lease on a job: `jobs/<id>.lease`, JSON with at least the holder's `host` and `pid`.
struct Lease {
    let job: String
    let pid: Int32
    let json: [String: Any]

    static func all(in output: URL) -> [Lease] {
        let jobs = output.appendingPathComponent("jobs")
        let files = (try? FileManager.default.contentsOfDirectory(at: jobs, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "lease" }.compactMap { url in
            // A lease being written may not parse yet: it is read again at the next poll.
            guard let data = try? Data(contentsOf: url),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let pid = (json["pid"] as? NSNumber)?.int32Value else { return nil }
            return Lease(job: url.deletingPathExtension().lastPathComponent, pid: pid, json: json)
        }
    }

    /// The holder is a live `bermo` process on this machine (no zombie: `/proc/<pid>/stat` is `pid (comm) state ...`).
    var holderIsRunning: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: open)..<close] == "bermo" && !stat[close...].hasPrefix(") Z")
    }

    /// The holder's array task as `A_i` (what `scancel` and `scontrol requeue` take; an array task's own job id
    /// can equal the array's, which would cancel every task): from the holder's environment, else the lease.
    var arrayTask: String? {
        if let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") {
            var env: [String: String] = [:]
            for entry in data.split(separator: 0) {
                let s = String(decoding: entry, as: UTF8.self)
                if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            }
            if let a = env["SLURM_ARRAY_JOB_ID"], let t = env["SLURM_ARRAY_TASK_ID"] { return "\(a)_\(t)" }
        }
        func field(_ key: String) -> String? {
            (json[key] as? String) ?? (json[key] as? NSNumber)?.stringValue
        }
        if let a = field("slurm_array_job_id"), let t = field("slurm_array_task_id") { return "\(a)_\(t)" }
        return nil
    }
}

/// Reading and comparing output directories.
enum Outputs {
    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(url.path) is not a JSON object")
    }

    /// Sorted-keys JSON text: equal exactly when the values are (doubles included, digit for digit).
    static func canonical(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "null" }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func jobs(_ results: [String: Any]) -> [String: [String: Any]] {
        Dictionary(((results["jobs"] as? [[String: Any]]) ?? []).compactMap { j in (j["id"] as? String).map { ($0, j) } },
                   uniquingKeysWith: { a, _ in a })
    }

    /// "sst2 · bert · seed 1", as `bermo run` names a job in its log.
    static func name(_ job: [String: Any]) -> String {
        "\(job["task"] as? String ?? "?") · \(job["variant"] as? String ?? "?") · seed \((job["seed"] as? NSNumber)?.intValue ?? -1)"
    }

    /// The same jobs, every one completed, with exactly the same metrics in results.json, and the same metrics,
    /// curves and layer mixes in the job records; the same aggregates.
    static func expectIdentical(local: URL, cluster: URL) throws {
        let a = try json(local.appendingPathComponent("results.json"))
        let b = try json(cluster.appendingPathComponent("results.json"))
        let ja = jobs(a), jb = jobs(b)
        #expect(Set(ja.keys) == Set(jb.keys), "jobs: local \(ja.keys.sorted()) vs cluster \(jb.keys.sorted())")
        #expect(canonical(a["planned_jobs"]) == canonical(b["planned_jobs"]))
        for (id, job) in ja.sorted(by: { $0.key < $1.key }) {
            #expect(job["status"] as? String == "completed", "local job \(id): \(canonical(job))")
            guard let other = jb[id] else { continue }
            for key in ["status", "task", "variant", "seed", "model_sha256", "plugin", "metrics"] {
                #expect(canonical(job[key]) == canonical(other[key]),
                        "results.json job \(id) (\(name(job))) \(key): local \(canonical(job[key])) vs cluster \(canonical(other[key]))")
            }
            let ra = try json(local.appendingPathComponent("jobs/\(id).json"))
            let rb = try json(cluster.appendingPathComponent("jobs/\(id).json"))
            for key in ["metrics", "series", "mix"] {
                #expect(canonical(ra[key]) == canonical(rb[key]),
                        "jobs/\(id).json (\(name(job))) \(key): local \(canonical(ra[key])) vs cluster \(canonical(rb[key]))")
            }
        }
        #expect(canonical(a["aggregates"]) == canonical(b["aggregates"]), "aggregates differ")
    }

    /// Every regular file under `dir`, as paths relative to it.
    static func files(under dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let root = dir.resolvingSymlinksInPath().path + "/"
        return e.compactMap { item -> String? in
            guard let url = item as? URL, (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { return nil }
            let path = url.resolvingSymlinksInPath().path
            return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
        }.sorted()
    }

    /// Files a finished run must not leave: leases and claims, partial and temporary files.
    static func leftovers(in dir: URL) -> [String] {
        files(under: dir).filter { path in
            let name = (path as NSString).lastPathComponent
            return [".lease", ".claim", ".partial", ".tmp"].contains { name.hasSuffix($0) } || name.contains(".tmp")
        }
    }

    /// Every line the workers and the finalize job printed (`slurm/logs/*.out`).
    static func logLines(_ logs: URL) -> [Substring] {
        let files = (try? FileManager.default.contentsOfDirectory(at: logs, includingPropertiesForKeys: nil)) ?? []
        return files.flatMap { f in ((try? String(contentsOf: f, encoding: .utf8)) ?? "").split(separator: "\n") }
    }

    /// How often each job's completion line (`bermo: [k/n] NAME: metric value, ...`) occurs in the workers' logs.
    static func completions(logs: URL, names: [String]) -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })
        for line in logLines(logs) where line.hasPrefix("bermo: [") {
            for n in names {
                guard let r = line.range(of: "] \(n): ") else { continue }
                if line[r.upperBound...].firstMatch(of: /^[a-z_]+ -?[0-9]/) != nil { counts[n, default: 0] += 1 }
            }
        }
        return counts
    }

    /// `bermo status <dir> --json`: every job of `ids` is done.
    static func expectAllDone(_ cluster: LocalCluster, _ dir: URL, ids: Set<String>) throws {
        let r = try cluster.bermo(["status", dir.path, "--json"])
        #expect(r.status == 0, "bermo status failed: \(r.stderr)")
        let doc = try #require(try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                               "bermo status --json printed no JSON object:\n\(r.stdout)")
        let jobs = (doc["jobs"] as? [[String: Any]]) ?? []
        #expect(Set(jobs.compactMap { $0["id"] as? String }) == ids, "bermo status jobs: \(canonical(jobs))")
        for j in jobs { #expect(j["state"] as? String == "done", "bermo status: \(canonical(j))") }
        #expect((doc["totals"] as? [String: Any])?["done"] as? Int == ids.count, "bermo status totals: \(canonical(doc["totals"]))")
    }
}
