import Foundation

/// A small real suite: the real MiniLM-L6 checkpoint on real data, 2 tasks × 2 variants × 1 seed = 4 jobs (6 with `pruning`).
/// The probe task reads a 96-sentence slice of SentEval's Tense data written beside the suite (its own file,
/// so no `--limit`: `bermo run` and `bermo submit slurm` plan the same job ids); the GLUE task fine-tunes on
/// 32 SST-2 examples and evaluates on 32.
public enum SmallSuite {
    /// `long`: the GLUE jobs train 16 steps and save a checkpoint at every evaluation (every 4 steps), so a
    /// worker can be stopped in the middle of one and another can resume it. `seeds`: more than one for
    /// statistics over seeds (each seed adds 4 jobs). `pruning`: a third task, movement pruning to 10% on the same
    /// SST-2 slice (6 steps, 2 more jobs per seed), so every kind of report section has data.
    public static func write(in dir: URL, long: Bool, seeds: [Int] = [1], pruning: Bool = false) throws -> URL {
        let lines = try String(contentsOf: DataPaths.senteval("past_present.txt"), encoding: .utf8).split(separator: "\n")
        var slice: [Substring] = []
        for (split, count) in [("tr", 48), ("va", 24), ("te", 24)] {
            slice += lines.filter { $0.hasPrefix("\(split)\t") }.prefix(count)
        }
        try (slice.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("tense.tsv"), atomically: true, encoding: .utf8)
        let glue = long ? "max_steps: 16, eval_steps: 4, save_checkpoints: true" : "max_steps: 4, eval_steps: 2"
        let prune = """

              - {task: movement-10, plugin: glue.prune, glue_task: sst2, max_steps: 6, warmup_steps: 1, eval_steps: 3,
                 max_train_samples: 32, max_eval_samples: 32, max_seq_length: 32, per_device_train_batch_size: 8,
                 learning_rate: 1.0e-4, pruning: {method: movement, final_threshold: 0.10, mask_scores_learning_rate: 0.05}}
            """
        let suite = """
            suite: cluster-small
            model: minilm-l6
            variants: [bert, bermo]
            seeds: [\(seeds.map(String.init).joined(separator: ", "))]
            tasks:
              - {task: tense, plugin: senteval.probe, file: tense.tsv, pooling: mean, max_epoch: 8}
              - {task: sst2, plugin: glue.finetune, glue_task: sst2, \(glue), max_train_samples: 32,
                 max_eval_samples: 32, max_seq_length: 32, per_device_train_batch_size: 8}\(pruning ? prune : "")
            output_dir: out

            """
        let url = dir.appendingPathComponent("suite.yaml")
        try suite.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}

/// Reading and comparing output directories.
public enum Outputs {
    public static func json(_ url: URL) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw OutputsError(description: "\(url.path) is not a JSON object")
        }
        return object
    }

    public struct OutputsError: Error, CustomStringConvertible { public let description: String }

    /// Sorted-keys JSON text: equal exactly when the values are (doubles included, digit for digit).
    public static func canonical(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "null" }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func jobs(_ results: [String: Any]) -> [String: [String: Any]] {
        Dictionary(((results["jobs"] as? [[String: Any]]) ?? []).compactMap { j in (j["id"] as? String).map { ($0, j) } },
                   uniquingKeysWith: { a, _ in a })
    }

    /// "sst2 · bert · seed 1", as `bermo run` names a job in its log.
    public static func name(_ job: [String: Any]) -> String {
        "\(job["task"] as? String ?? "?") · \(job["variant"] as? String ?? "?") · seed \((job["seed"] as? NSNumber)?.intValue ?? -1)"
    }

    /// How two output directories of one suite differ: every job completed in `reference`, the same jobs in
    /// `other` with exactly the same status and metrics in results.json and the same metrics, curves and layer
    /// mixes in the job records, the same aggregates. Empty when they agree.
    public static func differences(_ reference: URL, _ other: URL) throws -> [String] {
        let a = try json(reference.appendingPathComponent("results.json"))
        let b = try json(other.appendingPathComponent("results.json"))
        let ja = jobs(a), jb = jobs(b)
        var found: [String] = []
        func check(_ same: Bool, _ what: @autoclosure () -> String) { if !same { found.append(what()) } }
        check(Set(ja.keys) == Set(jb.keys), "jobs: \(ja.keys.sorted()) vs \(jb.keys.sorted())")
        check(canonical(a["planned_jobs"]) == canonical(b["planned_jobs"]), "planned_jobs differ")
        for (id, job) in ja.sorted(by: { $0.key < $1.key }) {
            check(job["status"] as? String == "completed", "reference job \(id) did not complete: \(canonical(job))")
            guard let counterpart = jb[id] else { continue }
            for key in ["status", "task", "variant", "seed", "model_sha256", "plugin", "metrics"] {
                check(canonical(job[key]) == canonical(counterpart[key]),
                      "results.json job \(id) (\(name(job))) \(key): \(canonical(job[key])) vs \(canonical(counterpart[key]))")
            }
            let ra = try json(reference.appendingPathComponent("jobs/\(id).json"))
            let rb = try json(other.appendingPathComponent("jobs/\(id).json"))
            for key in ["metrics", "series", "mix"] {
                check(canonical(ra[key]) == canonical(rb[key]), "jobs/\(id).json (\(name(job))) \(key): \(canonical(ra[key])) vs \(canonical(rb[key]))")
            }
        }
        check(canonical(a["aggregates"]) == canonical(b["aggregates"]), "aggregates differ")
        return found
    }

    /// Every regular file under `dir`, as paths relative to it.
    public static func files(under dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let root = dir.resolvingSymlinksInPath().path + "/"
        return e.compactMap { item -> String? in
            guard let url = item as? URL, (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { return nil }
            let path = url.resolvingSymlinksInPath().path
            return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
        }.sorted()
    }

    /// Files a finished run must not leave: leases and claims, partial and temporary files, retired leases, clock probes.
    public static func leftovers(in dir: URL) -> [String] {
        files(under: dir).filter { path in
            let name = (path as NSString).lastPathComponent
            return [".lease", ".claim", ".partial"].contains { name.hasSuffix($0) }
                || [".tmp", ".stale-", ".clock-"].contains { name.contains($0) }
        }
    }

    /// Every line the workers and the finalize job printed (`slurm/logs/*.out`).
    public static func logLines(_ logs: URL) -> [Substring] {
        let files = (try? FileManager.default.contentsOfDirectory(at: logs, includingPropertiesForKeys: nil)) ?? []
        return files.flatMap { f in ((try? String(contentsOf: f, encoding: .utf8)) ?? "").split(separator: "\n") }
    }

    /// How often each job's completion line (`bermo: [k/n] NAME: metric value, ...`) occurs in the workers' logs.
    public static func completions(logs: URL, names: [String]) -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })
        for line in logLines(logs) where line.hasPrefix("bermo: [") {
            for n in names {
                guard let r = line.range(of: "] \(n): ") else { continue }
                if line[r.upperBound...].firstMatch(of: /^[a-z_]+ -?[0-9]/) != nil { counts[n, default: 0] += 1 }
            }
        }
        return counts
    }
}
