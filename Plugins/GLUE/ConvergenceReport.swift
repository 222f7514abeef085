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
        let curves = Self.curves(run)
        guard !curves.isEmpty else {
            throw HarnessError("\(run.layout.jobs.path): no completed GLUE job with a dev curve (glue.finetune with eval_steps)")
        }
        return ReportOutput(text: Self.table(curves, options: o).markdown)
    }

    /// Dev curves of every completed GLUE job (fine-tuning and fine-pruning record theirs in their details):
    /// task → variant → seed → curve.
    static func curves(_ run: FinishedRun) -> [String: [String: [UInt64: [Convergence.Point]]]] {
        var curves: [String: [String: [UInt64: [Convergence.Point]]]] = [:]
        for record in run.records where record.status == .completed {
            guard let result = try? record.details.decoded(as: GLUERunResult.self), !result.curve.isEmpty else { continue }
            curves[record.task, default: [:]][record.variantName, default: [:]][UInt64(record.seed)] = result.scoreCurve
        }
        return curves
    }

    /// A row per task that both variants ran: the target, each variant's mean steps to it, the speed-up.
    static func table(_ curves: [String: [String: [UInt64: [Convergence.Point]]]], options o: Options) -> ReportTable {
        let target: Convergence.Target = o.targetValue.map { .value($0) } ?? .fractionOfBaselineBest(o.targetFraction)
        var table = ReportTable(columns: [.init("task"), .init("target", .right), .init("\(o.baseline) steps (mean)", .right),
                                          .init("\(o.candidate) steps (mean)", .right), .init("speed-up (mean ± std)", .right),
                                          .init("seeds both / only \(o.candidate) / only \(o.baseline) / neither")])
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
            table.rows.append([ReportTable.Cell(task), ReportTable.Cell(String(format: "%.4f", s.target)),
                               ReportTable.Cell(meanSteps(s.perSeed.map(\.baseline.stepsToTarget))),
                               ReportTable.Cell(meanSteps(s.perSeed.map(\.candidate.stepsToTarget))), ReportTable.Cell(speed),
                               ReportTable.Cell("\(s.seedsBothReached) / \(s.seedsOnlyCandidateReached) / \(s.seedsOnlyBaselineReached) / \(s.seedsNeitherReached)")])
        }
        return table
    }
}

extension ConvergenceReport: ReportSectionProvider {
    /// The table at the default target (95% of the baseline variant's best dev score) in the HTML report; the
    /// dev curves themselves are the jobs' series, which the report plots per task.
    public func sections(_ run: FinishedRun) throws -> [ReportSection] {
        let curves = Self.curves(run)
        guard !curves.isEmpty else { return [] }
        let o = Options()
        return [ReportSection(title: "Convergence (GLUE dev curves)", blocks: [
            .paragraph("Steps to the first dev evaluation at or above \(String(format: "%g", 100 * o.targetFraction))% of \(o.baseline)'s best mean dev score; "
                + "speed-up = \(o.baseline)'s steps ÷ \(o.candidate)'s, per seed, mean ± std over the seeds where both reached it. "
                + "`bermo report convergence` takes other targets and variants."),
            .table(Self.table(curves, options: o)),
        ])]
    }
}
