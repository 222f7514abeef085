import ArgumentParser
import BermoHarness
import BermoRuntime
import Foundation
import GLUEPlugin
import PruningPlugin

/// Every readable job record of a run's output directory (the harness's `JobStore`), or an error saying
/// the directory is not one.
func finishedJobs(_ layout: OutputLayout) throws -> [JobRecord] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: layout.jobs.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ValidationFailure("\(layout.jobs.path): no jobs folder; pass the output directory of a `bermo run`")
    }
    return JobStore(layout).allRecords()
}

/// Reports that compare jobs with each other, which no single job can compute.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Cross-job analyses of a finished run.", subcommands: [ConvergenceReport.self, PruningStabilityReport.self])
}

/// `bermo report convergence <output_dir>`: for every task with dev curves (glue.finetune jobs), the steps
/// each variant needs to reach a target and the candidate's speed-up over the baseline, per seed and as
/// mean ± std over the seeds where both reached it (the paper's "1.67x faster on MNLI").
struct ConvergenceReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convergence",
        abstract: "Steps to a target dev score and the BERMo/BERT speed-up per task, from a run's job files.")

    @Argument(help: "A run's output directory (holding jobs/).") var directory: String
    @Option(name: .customLong("target-fraction"), help: "Target = this fraction of the baseline variant's best dev score (mean over seeds).")
    var targetFraction: Double = 0.95
    @Option(name: .customLong("target-value"), help: "A fixed target dev score instead of a fraction.") var targetValue: Double?
    @Option var baseline = "bert"
    @Option var candidate = "bermo"
    @Option(help: "Also write the table to this Markdown file.") var markdown: String?

    func run() throws {
        let layout = OutputLayout(URL(fileURLWithPath: directory))
        var curves: [String: [String: [UInt64: [Convergence.Point]]]] = [:]  // task -> variant -> seed -> curve
        for record in try finishedJobs(layout) {
            guard record.status == "completed", let series = record.series.first(where: { $0.name == "dev score" }) else { continue }
            let batch = Int(record.configuration["per_device_train_batch_size"]?.doubleValue ?? 32)
            let points = series.points.map { Convergence.Point(step: Int($0.x), examplesSeen: Int($0.x) * batch, score: $0.y) }
            curves[record.task, default: [:]][record.variantName, default: [:]][UInt64(record.seed)] = points
        }
        guard !curves.isEmpty else { throw ValidationFailure("\(layout.jobs.path): no completed job with a dev curve (glue.finetune with eval_steps)") }
        let target: Convergence.Target = targetValue.map { .value($0) } ?? .fractionOfBaselineBest(targetFraction)
        var lines = ["| task | target | \(baseline) steps (mean) | \(candidate) steps (mean) | speed-up (mean ± std) | seeds both / only \(candidate) / only \(baseline) / neither |",
                     "|---|---:|---:|---:|---:|---|"]
        for task in curves.keys.sorted() {
            guard let b = curves[task]?[baseline], let c = curves[task]?[candidate],
                  let s = Convergence.speedup(baseline: b, candidate: c, target: target) else { continue }
            func meanSteps(_ rows: [Int?]) -> String {
                let r = rows.compactMap { $0 }
                return r.isEmpty ? "—" : String(format: "%.0f", Double(r.reduce(0, +)) / Double(r.count))
            }
            let speed = !s.informative
                ? String(format: "— (target ≤ the untrained score %.4f; pass --target-value above it)", s.startScore ?? 0)
                : s.mean.map { String(format: "%.2fx ± %.2f", $0, s.std ?? 0) } ?? "—"
            lines.append("| \(task) | \(String(format: "%.4f", s.target)) | \(meanSteps(s.perSeed.map(\.baseline.stepsToTarget))) | "
                + "\(meanSteps(s.perSeed.map(\.candidate.stepsToTarget))) | \(speed) | "
                + "\(s.seedsBothReached) / \(s.seedsOnlyCandidateReached) / \(s.seedsOnlyBaselineReached) / \(s.seedsNeitherReached) |")
        }
        let text = lines.joined(separator: "\n")
        print(text)
        if let markdown { try (text + "\n").write(toFile: markdown, atomically: true, encoding: .utf8) }
    }
}

/// `bermo report pruning <output_dir>`: for every glue.prune task (method × level) and variant, how many
/// seeds learned, ended at the majority-class level or diverged, with the dev score and remaining weights:
/// the divergence-rate table behind "BERT diverges on SST-2 where BERMo does not"; then, per method, the two
/// heads' dev scores at equal remaining weights (the parameter-efficiency claim; see `EqualSparsity`).
struct PruningStabilityReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pruning", abstract: "Outcome of every fine-pruning job (learned, majority level, diverged) per method, level and variant, and the heads compared at equal remaining weights.")

    @Argument(help: "A run's output directory (holding jobs/).") var directory: String
    @Option(help: "Also write the table to this Markdown file.") var markdown: String?
    @Option(help: "Write one SVG per method (a curve per setting when they vary; dev score vs remaining weights, both variants) into this folder (default: <directory>/plots).")
    var plots: String?
    @Option(help: "The variant the equal-sparsity comparison measures against.") var baseline = "bert"
    @Option(help: "The variant compared with the baseline at equal remaining weights.") var candidate = "bermo"

    func run() throws {
        let root = URL(fileURLWithPath: directory), layout = OutputLayout(root)
        // The run's jobs as results.json lists them (job files of earlier suite versions, calibrations and
        // the like stay out), else every job file in the folder.
        let doc = try? ResultsDocument.read(layout.results)
        let listed = doc.map { Set($0.jobs.map(\.id)) }
        var jobs = try finishedJobs(layout).filter { listed?.contains($0.id) ?? true }.compactMap(PruningReport.Job.init(record:))
        guard !jobs.isEmpty else { throw ValidationFailure("\(layout.jobs.path): no finished glue.prune job") }
        // The suite's task and variant order when results.json tells it, else by name.
        let tasks = doc?.jobs.map(\.task) ?? [], variants = doc?.jobs.map(\.variant) ?? []
        func rank(_ v: String, in order: [String]) -> Int { order.firstIndex(of: v) ?? Int.max }
        jobs.sort { a, b in
            (rank(a.task, in: tasks), a.task, rank(a.variant, in: variants), a.variant, a.seed)
                < (rank(b.task, in: tasks), b.task, rank(b.variant, in: variants), b.variant, b.seed)
        }
        let rows = PruningReport.rows(jobs)
        var text = PruningReport.markdown(rows)
        let comparisons = EqualSparsity.compare(rows, baseline: baseline, candidate: candidate)
        if !comparisons.isEmpty {
            text += "\n### \(candidate) vs \(baseline) at equal remaining weights\n"
                + EqualSparsity.markdown(comparisons, baseline: baseline, candidate: candidate)
        }
        print(text, terminator: "")
        if let markdown { try text.write(toFile: markdown, atomically: true, encoding: .utf8) }
        let plotDir = plots.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("plots")
        try FileManager.default.createDirectory(at: plotDir, withIntermediateDirectories: true)
        for (curve, chart) in PruningReport.charts(rows) {
            let slug = curve.map { $0.isLetter || $0.isNumber || $0 == "_" ? String($0) : "-" }.joined()
                .split(separator: "-").joined(separator: "-")
            let file = plotDir.appendingPathComponent("pruning-\(slug).svg")
            try chart.render().write(to: file, atomically: true, encoding: .utf8)
            FileHandle.standardError.write(Data("bermo: wrote \(file.path)\n".utf8))
        }
    }
}
