import BermoTestSupport
import Foundation
import Testing

@Suite("bermo run / validate / compare (end to end)")
struct SuiteCommandTests {
    /// Adding a probe task needs no Swift at all: point `senteval.probe` at any TSV in SentEval's format.
    @Test("a YAML-only probe task on a custom TSV runs and reports both variants")
    func customProbeTask() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        // A made-up task: is the sentence negated? 24 train, 12 dev, 12 test lines.
        let subjects = ["the cat", "my friend", "the old man", "a teacher", "our neighbour", "the child"]
        let verbs = ["likes the garden", "reads books", "walks to work", "plays the piano"]
        var lines: [String] = []
        var i = 0
        for split in ["tr", "tr", "va", "te"] {
            for s in subjects {
                let negated = i % 2 == 0
                let v = verbs[i % verbs.count]
                let sentence = negated ? "\(s) does not \(v.replacingOccurrences(of: "s ", with: " ", options: .anchored))" : "\(s) \(v)"
                lines.append("\(split)\t\(negated ? "NEG" : "POS")\t\(sentence)")
                i += 1
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("negation.tsv"), atomically: true, encoding: .utf8)
        let suite = """
            suite: custom-probe
            model: minilm-l6
            variants: [bert, bermo]
            seeds: [1]
            tasks:
              - task: negation
                plugin: senteval.probe
                file: negation.tsv
                pooling: mean
                max_epoch: 40
            output_dir: out

            """
        try suite.write(to: dir.appendingPathComponent("suite.yaml"), atomically: true, encoding: .utf8)
        let validate = try CLI.run(["validate", dir.appendingPathComponent("suite.yaml").path])
        #expect(validate.status == 0, "\(validate.stderr)")
        let run = try CLI.run(["run", dir.appendingPathComponent("suite.yaml").path, "--threads", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/results.json"))) as! [String: Any]
        let jobs = try #require(results["jobs"] as? [[String: Any]])
        #expect(jobs.count == 2)
        for job in jobs {
            #expect(job["status"] as? String == "completed")
            let acc = try #require((job["metrics"] as? [String: Double])?["accuracy"])
            #expect(acc >= 0 && acc <= 1)
        }
        for f in ["summary.md", "junit.xml"] { #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/\(f)").path)) }
        // Re-running reuses both finished jobs.
        let again = try CLI.run(["run", dir.appendingPathComponent("suite.yaml").path, "--threads", "2"])
        #expect(again.status == 0 && again.stderr.contains("0 job(s) run, 2 reused"), "\(again.stderr)")
        // A typo in a plugin parameter is located and gets a suggestion.
        try suite.replacingOccurrences(of: "pooling: mean", with: "poolling: mean")
            .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["validate", dir.appendingPathComponent("bad.yaml").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.yaml:9:") && bad.stderr.contains("pooling"), "\(bad.stderr)")
    }

    /// Protocol 2: the whole encoder fine-tuned on a probing task with the variant's head.
    @Test("senteval.probe with protocol finetune trains the encoder and reports test accuracy and the mix")
    func finetuneProtocol() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let suite = """
            suite: probe-finetune
            model: minilm-l6
            variants: [bermo]
            seeds: [1]
            tasks:
              - {task: tense, plugin: senteval.probe, probe_task: Tense, protocol: finetune, max_train_samples: 32,
                 per_device_train_batch_size: 16, num_train_epochs: 1}
            output_dir: out

            """
        try suite.write(to: dir.appendingPathComponent("suite.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", dir.appendingPathComponent("suite.yaml").path, "--limit", "40", "--threads", "2", "--log-samples"])
        #expect(run.status == 0, "\(run.stderr)")
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/results.json"))) as! [String: Any]
        let job = try #require((results["jobs"] as? [[String: Any]])?.first)
        #expect(job["status"] as? String == "completed")
        let acc = try #require((job["metrics"] as? [String: Double])?["accuracy"])
        #expect(acc >= 0 && acc <= 1)
        #expect(((job["mix"] as? [String: Any])?["weights"] as? [Double])?.count == 7)
        let samples = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out/samples").path)
        #expect(samples.count == 1)
    }

    /// glue.prune from YAML on the real checkpoint and SST-2, then the stability table over its job files.
    @Test("glue.prune runs movement pruning from a suite and `report pruning` tabulates the outcome")
    func pruneAndReport() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let suite = """
            suite: prune-smoke
            model: minilm-l6
            variants: [bert, bermo]
            seeds: [1]
            defaults: {glue_task: sst2, max_seq_length: 32, per_device_train_batch_size: 8, learning_rate: 1.0e-4,
                       max_steps: 8, warmup_steps: 2, eval_steps: 4}
            tasks:
              - {task: movement-10, plugin: glue.prune, pruning: {method: movement, final_threshold: 0.10, mask_scores_learning_rate: 0.05}}
            output_dir: out

            """
        try suite.write(to: dir.appendingPathComponent("suite.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["run", dir.appendingPathComponent("suite.yaml").path, "--limit", "32", "--threads", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let jobsDir = dir.appendingPathComponent("out/jobs")
        let records = try FileManager.default.contentsOfDirectory(at: jobsDir, includingPropertiesForKeys: nil)
            .map { try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any] }
        #expect(records.count == 2)
        for r in records {
            let pruning = try #require((r["configuration"] as? [String: Any])?["pruning"] as? [String: Any])
            #expect(pruning["mask_scores_learning_rate"] as? Double == 0.05)
            if r["status"] as? String == "completed" {
                let remaining = try #require((r["metrics"] as? [String: Double])?["remaining_weights"])
                #expect(abs(remaining - 0.10) < 0.001)
            }
        }
        let report = try CLI.run(["report", "pruning", dir.appendingPathComponent("out").path])
        #expect(report.status == 0, "\(report.stderr)")
        let rows = report.stdout.split(separator: "\n").filter { $0.hasPrefix("| movement-10 | movement |") }
        #expect(rows.count == 2 && rows[0].contains("| bert | 1 |") && rows[1].contains("| bermo | 1 |"), "\(report.stdout)")
        // Then the heads at equal remaining weights: both at the 10% target when both completed, else why not.
        #expect(report.stdout.contains("### bermo vs bert at equal remaining weights"), "\(report.stdout)")
        let completed = records.filter { $0["status"] as? String == "completed" }.count
        #expect(report.stdout.contains(completed == 2 ? "**movement**: overlap 10.00%–10.00% remaining" : "**movement**: no equal-sparsity comparison"),
                "\(report.stdout)")
        let svg = try String(contentsOf: dir.appendingPathComponent("out/plots/pruning-movement.svg"), encoding: .utf8)
        #expect(svg.contains("log scale"))
        let empty = try CLI.run(["report", "pruning", dir.path])
        #expect(empty.status != 0 && empty.stderr.contains("no jobs folder"), "\(empty.stderr)")
    }

    /// The committed quickstart baseline gates: identical results pass, a metric pushed outside the
    /// suite's tolerance (0.02 absolute) fails with exit 1.
    @Test("compare against the committed quickstart baseline: 0 within tolerance, 1 on regression")
    func gate() throws {
        let baseline = CLI.packageRoot.appendingPathComponent("suites/baselines/quickstart.json")
        let same = try CLI.run(["compare", baseline.path, "--baseline", baseline.path, "--tolerance", "abs:0.02"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: baseline)) as! [String: Any]
        var jobs = doc["jobs"] as! [[String: Any]]
        var metrics = jobs[0]["metrics"] as! [String: Double]
        metrics["accuracy"] = (metrics["accuracy"] ?? 0) - 0.05
        jobs[0]["metrics"] = metrics
        doc["jobs"] = jobs
        var aggregates = doc["aggregates"] as! [[String: Any]]
        for (k, a) in aggregates.enumerated() where a["task"] as? String == jobs[0]["task"] as? String
            && a["metric"] as? String == "accuracy" && a["variant"] as? String == jobs[0]["variant"] as? String {
            var a = a
            a["mean"] = ((a["mean"] as? Double) ?? 0) - 0.05
            a["values"] = ((a["values"] as? [[String: Any]]) ?? []).map { v -> [String: Any] in
                var v = v; v["value"] = ((v["value"] as? Double) ?? 0) - 0.05; return v
            }
            aggregates[k] = a
        }
        doc["aggregates"] = aggregates
        let worse = dir.appendingPathComponent("worse.json")
        try JSONSerialization.data(withJSONObject: doc).write(to: worse)
        let regressed = try CLI.run(["compare", worse.path, "--baseline", baseline.path, "--tolerance", "abs:0.02"])
        #expect(regressed.status == 1, "\(regressed.stdout)\(regressed.stderr)")
        let malformed = dir.appendingPathComponent("bad.json")
        try "{not json".write(to: malformed, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["compare", worse.path, "--baseline", malformed.path]).status == 2)
    }
}
