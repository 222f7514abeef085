import BermoHarness
import BermoRuntime
import Foundation

/// `bermo report convergence <output-dir>`: for every task with dev curves, the steps each variant needs to
/// reach a target and the candidate's speed-up over the baseline, per seed and as mean ± std over the seeds
/// where both reached it (the paper's "1.67x faster on MNLI").
public struct ConvergenceReport: RunReport {
    public struct Options: Settings {
        @Setting("target_fraction", .above(0, atMost: 1), help: "Target = this fraction of the baseline variant's best dev score (mean over seeds).")
        public var targetFraction = 0.95
        @Setting("target_value", .in(-1...1), help: "A fixed target dev score instead of a fraction.")
        public var targetValue: Double? = nil
        @Setting("baseline", .nonEmpty, help: "The variant the speed-up is measured against.")
        public var baseline = "bert"
        @Setting("candidate", .nonEmpty, help: "The variant whose speed-up is reported.")
        public var candidate = "bermo"
        public init() {}
    }

    public init() {}
    public var name: String { "convergence" }
    public var summary: String { "Steps to a target dev score and the BERMo/BERT speed-up per task, from a run's GLUE dev curves." }

    public func report(_ run: FinishedRun, options o: Options) throws -> ReportOutput {
        var curves: [String: [String: [UInt64: [Convergence.Point]]]] = [:]  // task -> variant -> seed -> curve
        for record in run.records where record.status == .completed {
            // Every GLUE job (fine-tuning and fine-pruning) records its dev curve in its details.
            guard let result = try? record.details.decoded(as: GLUERunResult.self), !result.curve.isEmpty else { continue }
            curves[record.task, default: [:]][record.variantName, default: [:]][UInt64(record.seed)] = result.scoreCurve
        }
        guard !curves.isEmpty else {
            throw HarnessError("\(run.layout.jobs.path): no completed GLUE job with a dev curve (glue.finetune with eval_steps)")
        }
        let target: Convergence.Target = o.targetValue.map { .value($0) } ?? .fractionOfBaselineBest(o.targetFraction)
        var lines = ["| task | target | \(o.baseline) steps (mean) | \(o.candidate) steps (mean) | speed-up (mean ± std) | seeds both / only \(o.candidate) / only \(o.baseline) / neither |",
                     "|---|---:|---:|---:|---:|---|"]
        for task in curves.keys.sorted() {
            guard let b = curves[task]?[o.baseline], let c = curves[task]?[o.candidate],
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
        return ReportOutput(text: lines.joined(separator: "\n") + "\n")
    }
}
