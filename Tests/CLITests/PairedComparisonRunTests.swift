import BermoTestSupport
import Foundation
import Testing

/// The paired comparisons and the noise-aware gate on a real run: the real MiniLM-L6 checkpoint on real
/// SentEval and SST-2 data (`SmallSuite`, two seeds: 8 jobs), everything recomputed from the job records.
@Suite("paired comparisons over seeds on a real run")
struct PairedComparisonRunTests {
    @Test("results.json comparisons equal the differences recomputed from the job records; reports and the noise-aware gate read them")
    func comparisonsOfARealRun() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let suite = try SmallSuite.write(in: dir.url, long: false, seeds: [1, 2])
        let out = dir.file("out")
        let run = try CLI.run(["run", suite.path, "--output-dir", out.path, "--threads", "2"])
        try #require(run.status == 0, "\(run.stderr)")

        // Completed records' declared metrics by (task, variant, seed), read from jobs/<id>.json.
        var values: [String: [Int: [String: Double]]] = [:]
        var order: [String] = []
        let jobFiles = try FileManager.default.contentsOfDirectory(at: out.appendingPathComponent("jobs"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        #expect(jobFiles.count == 8)
        for file in jobFiles {
            let record = try Outputs.json(file)
            guard record["status"] as? String == "completed" else { continue }
            let task = try #require(record["task"] as? String), seed = try #require((record["seed"] as? NSNumber)?.intValue)
            let variant = try #require((record["variant"] as? [String: Any])?["name"] as? String)
            let metrics = try #require(record["metrics"] as? [String: Double])
            let declared = try #require(record["metric_declarations"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            values["\(task)/\(variant)", default: [:]][seed] = metrics.filter { declared.contains($0.key) }
            if !order.contains(task) { order.append(task) }
        }
        #expect(Set(order) == ["tense", "sst2"])

        let results = try Outputs.json(out.appendingPathComponent("results.json"))
        #expect(results["schema_version"] as? Int == 3)
        let comparisons = try #require(results["comparisons"] as? [[String: Any]])
        // Every metric both heads report, on both tasks, bermo against bert (the default pair).
        var expectedKeys: Set<String> = []
        for task in order {
            let bert = values["\(task)/bert"]?[1]?.keys ?? [:].keys, bermo = values["\(task)/bermo"]?[1]?.keys ?? [:].keys
            for metric in Set(bert).intersection(bermo) { expectedKeys.insert("\(task)/\(metric)") }
        }
        #expect(Set(comparisons.map { "\($0["task"] as? String ?? "?")/\($0["metric"] as? String ?? "?")" }) == expectedKeys)
        #expect(comparisons.count == expectedKeys.count && expectedKeys.contains("tense/accuracy") && expectedKeys.contains("sst2/accuracy"))
        // Student's t with 1 degree of freedom is the Cauchy distribution: t_0.975 = tan(0.475π).
        let t975 = tan(0.475 * Double.pi)
        var checked = 0
        for c in comparisons {
            let task = try #require(c["task"] as? String), metric = try #require(c["metric"] as? String)
            #expect(c["variant"] as? String == "bermo" && c["reference"] as? String == "bert")
            let pairs = try #require(c["pairs"] as? [[String: Any]])
            let seeds = [1, 2].filter { values["\(task)/bermo"]?[$0]?[metric] != nil && values["\(task)/bert"]?[$0]?[metric] != nil }
            #expect(pairs.compactMap { ($0["seed"] as? NSNumber)?.intValue } == seeds, "\(task)/\(metric)")
            #expect(c["n"] as? Int == seeds.count)
            var differences: [Double] = []
            for (pair, seed) in zip(pairs, seeds) {
                let v = try #require(values["\(task)/bermo"]?[seed]?[metric]), r = try #require(values["\(task)/bert"]?[seed]?[metric])
                #expect(pair["variant"] as? Double == v && pair["reference"] as? Double == r && pair["difference"] as? Double == v - r)
                differences.append(v - r)
            }
            guard differences.count == 2 else { continue }
            let mean = (differences[0] + differences[1]) / 2
            let std = abs(differences[0] - differences[1]) / 2.0.squareRoot()
            let reportedMean = try #require(c["mean_difference"] as? Double), reportedStd = try #require(c["std_difference"] as? Double)
            #expect(abs(reportedMean - mean) <= 1e-15 && abs(reportedStd - std) <= 1e-15, "\(task)/\(metric)")
            let interval = try #require(c["interval"] as? [String: Any])
            #expect(interval["method"] as? String == "student-t" && interval["level"] as? Double == 0.95)
            let low = try #require(interval["low"] as? Double), high = try #require(interval["high"] as? Double)
            let half = t975 * std / 2.0.squareRoot()
            #expect(abs(low - (mean - half)) <= 1e-9 * max(half, 1e-9) + 1e-15 && abs(high - (mean + half)) <= 1e-9 * max(half, 1e-9) + 1e-15,
                    "\(task)/\(metric): [\(low), \(high)] vs \(mean) ± \(half)")
            #expect(c["excludes_zero"] as? Bool == (low > 0 || high < 0))
            checked += 1
        }
        // Every comparison of the probe (its jobs cannot diverge) had both seeds and was checked to the digit.
        #expect(checked >= 3 && checked == comparisons.filter { $0["n"] as? Int == 2 }.count)

        // summary.md shows them; `bermo report comparisons` prints them with the means, in %.
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(summary.contains("## Paired comparisons over seeds") && summary.contains("| tense | accuracy ↑ | bermo − bert |"))
        let report = try CLI.run(["report", "comparisons", out.path, "--metric", "accuracy", "--percent"])
        #expect(report.status == 0, "\(report.stderr)")
        let tense = try #require(comparisons.first { $0["task"] as? String == "tense" && $0["metric"] as? String == "accuracy" })
        let tenseMean = try #require(tense["mean_difference"] as? Double)
        #expect(report.stdout.contains("| tense | accuracy ↑ | bermo − bert |"), "\(report.stdout)")
        #expect(report.stdout.contains(String(format: "%+.2f", 100 * tenseMean)), "\(report.stdout)")
        #expect(!report.stdout.contains("dev_accuracy"))
        let unknown = try CLI.run(["report", "comparisons", out.path, "--metric", "acuracy"])
        #expect(unknown.status == 2 && unknown.stderr.contains("compared metrics: "), "\(unknown.stderr)")

        // `bermo report power` plans seeds from the two seeds' spread: one row per task, variant and metric measured.
        let power = try CLI.run(["report", "power", out.path, "--metric", "accuracy"])
        #expect(power.status == 0, "\(power.stderr)")
        let rows = power.stdout.split(separator: "\n").filter { $0.hasPrefix("| tense |") || $0.hasPrefix("| sst2 |") }
        #expect(rows.count == 4, "\(power.stdout)")
        #expect(rows.allSatisfy { row in Int(row.split(separator: "|")[5].trimmingCharacters(in: .whitespaces).split(separator: " ")[0]).map { $0 >= 2 } ?? false })

        // The noise-aware gate on the run against itself: Welch on every metric (two seeds each side), nothing regressed.
        let gate = try CLI.run(["compare", out.path, "--baseline", out.path, "--tolerance", "abs:0.01,welch:0.05", "--all"])
        #expect(gate.status == 0, "\(gate.stderr)")
        #expect(gate.stdout.contains("seed-noise test") && gate.stdout.contains("Welch p(better)=") && !gate.stdout.contains("no test"), "\(gate.stdout)")
        let bad = try CLI.run(["compare", out.path, "--baseline", out.path, "--tolerance", "abs:0.01,welch:2"])
        #expect(bad.status == 2 && bad.stderr.contains(",welch:LEVEL"), "\(bad.stderr)")
        let help = try CLI.run(["compare", "--help"])
        #expect(help.stdout.contains("welch") && help.stdout.contains("Student's pooled test"))
    }
}
