import BermoHarness
import BermoRuntime
import Foundation
import GLUEPlugin

/// The stability table of a fine-pruning run: for every task (method × level) and variant, how many seeds
/// ended learned, at the majority-class level, or diverged, with the remaining weights and the dev score.
///
/// The paper's "BERT diverges on SST-2" shows as dev accuracy falling to the majority class. A run can get
/// there three ways, and the table keeps them apart: the loss became NaN/Inf, the dev predictions fell back
/// after having learned (both `diverged`, see `glue.prune`), or the run never rose above the majority level
/// (or ended there) without tripping the collapse rule (`majority`).
public enum PruningReport {
    /// How one job ended.
    public enum Outcome: String, Codable, Sendable { case learned, majority, diverged }

    /// One `glue.prune` job as the report reads it from its record.
    public struct Job: Sendable, Equatable {
        public var task: String
        public var variant: String
        public var seed: Int
        public var method: String
        public var finalThreshold: Double
        public var finalLambda: Double
        public var status: JobStatus
        public var divergedAtStep: Int?
        public var finalScore: Double?
        /// The majority-class predictor's task score on the same eval sets.
        public var majorityScore: Double?
        public var remainingWeights: Double?
        /// The method's other settings (everything in the `pruning:` block but the method, `final_lambda` and
        /// `final_threshold`, values as canonical JSON): jobs of one method whose settings differ (say an L0
        /// sweep with scores starting at 5 beside one at 2.197) are different curves, not levels of one.
        public var settings: [String: String]

        public init(task: String, variant: String, seed: Int, method: String, finalThreshold: Double, finalLambda: Double,
                    status: JobStatus, divergedAtStep: Int? = nil, finalScore: Double? = nil, majorityScore: Double? = nil,
                    remainingWeights: Double? = nil, settings: [String: String] = [:]) {
            self.task = task; self.variant = variant; self.seed = seed; self.method = method
            self.finalThreshold = finalThreshold; self.finalLambda = finalLambda; self.status = status
            self.divergedAtStep = divergedAtStep; self.finalScore = finalScore; self.majorityScore = majorityScore
            self.remainingWeights = remainingWeights; self.settings = settings
        }

        /// nil for records of other plugins and for skipped jobs; throws for a record whose configuration
        /// or details this version cannot read.
        public init?(record: JobRecord) throws {
            guard record.plugin.id == "glue.prune", record.status != .skipped else { return nil }
            let config = try GLUEPrunePlugin.Config.decode(from: JSONSettingsSource(record.configuration, origin: "job \(record.id)"))
            let details = try record.details.decoded(as: GLUERunResult.self)
            let sets = details.majorityBaseline.values.compactMap { $0[GLUEMetrics.scoreKey] }
            let pruning = config.pruning
            var settings: [String: String] = [:]
            if case .object(let block) = pruning.settingsJSON() {
                for (key, value) in block where !["method", "final_lambda", "final_threshold"].contains(key) {
                    settings[key] = value.canonical
                }
            }
            self.init(task: record.task, variant: record.variantName, seed: record.seed, method: pruning.method.rawValue,
                      finalThreshold: pruning.finalThreshold, finalLambda: pruning.finalLambda,
                      status: record.status, divergedAtStep: record.divergedAtStep,
                      finalScore: record.status == .completed ? record.metrics["score"] : nil,
                      majorityScore: sets.isEmpty ? nil : sets.reduce(0, +) / Double(sets.count),
                      remainingWeights: record.metrics["remaining_weights"], settings: settings)
        }

        /// `majority` when the final dev score is within `margin` of the majority-class predictor's.
        public func outcome(margin: Double = PruningReport.majorityMargin) -> Outcome {
            if status == .diverged { return .diverged }
            if let s = finalScore, let m = majorityScore, s <= m + margin { return .majority }
            return .learned
        }
    }

    /// A final score within one point of the majority-class predictor counts as not having learned.
    public static let majorityMargin = 0.01

    /// One line of the table: a task × variant over its seeds.
    public struct Row: Sendable {
        public var task: String
        public var variant: String
        public var method: String
        /// The method, plus the settings that tell its curves apart when jobs of the method differ in more
        /// than their level (e.g. `l0 (mask_scale 5)`); charts and the equal-sparsity comparison go by it.
        public var curve: String
        public var finalThreshold: Double
        public var finalLambda: Double
        public var seeds: Int
        public var learned: Int
        public var majority: Int
        public var diverged: Int
        /// Steps at which the diverged seeds were stopped.
        public var divergedAt: [Int]
        /// Over completed seeds (learned or at the majority level).
        public var score: (mean: Double, std: Double)?
        /// Over every seed: where completed seeds ended and where diverged ones stopped.
        public var remaining: (mean: Double, std: Double)?
        /// Over completed seeds only (the x of the charts, whose y is the completed seeds' score).
        public var completedRemaining: (mean: Double, std: Double)?
        /// Seeds that did not end learned, as a fraction.
        public var failureRate: Double { seeds == 0 ? 0 : Double(majority + diverged) / Double(seeds) }
    }

    /// Rows in the order tasks and variants first appear in `jobs`.
    public static func rows(_ jobs: [Job]) -> [Row] {
        var keys: [(String, String)] = []
        for j in jobs where !keys.contains(where: { $0 == (j.task, j.variant) }) { keys.append((j.task, j.variant)) }
        return keys.map { task, variant in
            let group = jobs.filter { $0.task == task && $0.variant == variant }.sorted { $0.seed < $1.seed }
            let outcomes = group.map { $0.outcome() }
            let first = group[0]
            return Row(task: task, variant: variant, method: first.method, curve: curve(of: first, among: jobs),
                       finalThreshold: first.finalThreshold,
                       finalLambda: first.finalLambda, seeds: group.count,
                       learned: outcomes.filter { $0 == .learned }.count,
                       majority: outcomes.filter { $0 == .majority }.count,
                       diverged: outcomes.filter { $0 == .diverged }.count,
                       divergedAt: group.compactMap { $0.status == .diverged ? $0.divergedAtStep : nil },
                       score: meanStd(group.compactMap(\.finalScore)),
                       remaining: meanStd(group.compactMap(\.remainingWeights)),
                       completedRemaining: meanStd(group.filter { $0.status == .completed }.compactMap(\.remainingWeights)))
        }
    }

    /// The distinct curves of `rows`, in the order they first appear.
    public static func curves(_ rows: [Row]) -> [String] {
        var curves: [String] = []
        for r in rows where !curves.contains(r.curve) { curves.append(r.curve) }
        return curves
    }

    /// `job`'s method, followed by each setting whose value is not the same for every job of that method.
    static func curve(of job: Job, among jobs: [Job]) -> String {
        let peers = jobs.filter { $0.method == job.method }
        let keys = Set(peers.flatMap(\.settings.keys)).sorted()
        let varying = keys.filter { k in Set(peers.map { $0.settings[k] ?? "default" }).count > 1 }
        guard !varying.isEmpty else { return job.method }
        return job.method + " (" + varying.map { "\($0) \(job.settings[$0] ?? "default")" }.joined(separator: ", ") + ")"
    }

    /// The harness's mean and sample standard deviation, with 0 for one value; nil when empty.
    static func meanStd(_ values: [Double]) -> (mean: Double, std: Double)? {
        guard !values.isEmpty else { return nil }
        let (mean, std) = Aggregate.statistics(values)
        return (mean, std ?? 0)
    }

    /// The table (scores and remaining weights in percent), for the terminal and the HTML report.
    public static func table(_ rows: [Row]) -> ReportTable {
        var table = ReportTable(columns: [.init("task"), .init("method"), .init("variant"), .init("seeds", .right), .init("learned", .right),
                                          .init("at majority", .right), .init("diverged (steps)"), .init("not learned", .right),
                                          .init("dev score (completed)", .right), .init("remaining weights (at the end or at divergence)", .right)])
        func pct(_ v: (mean: Double, std: Double)?) -> String {
            v.map { String(format: "%.2f ± %.2f", 100 * $0.mean, 100 * $0.std) } ?? "—"
        }
        for r in rows {
            let diverged = r.divergedAt.isEmpty ? "\(r.diverged)" : "\(r.diverged) (\(r.divergedAt.map(String.init).joined(separator: ", ")))"
            let mark: ReportTable.Mark? = r.diverged > 0 ? .bad : r.majority > 0 ? .note : nil
            table.rows.append([ReportTable.Cell(r.task), ReportTable.Cell(r.curve), ReportTable.Cell(r.variant), ReportTable.Cell("\(r.seeds)"),
                               ReportTable.Cell("\(r.learned)"), ReportTable.Cell("\(r.majority)", mark: r.majority > 0 ? .note : nil),
                               ReportTable.Cell(diverged, mark: r.diverged > 0 ? .bad : nil),
                               ReportTable.Cell(String(format: "%.0f%%", 100 * r.failureRate), mark: mark),
                               ReportTable.Cell(pct(r.score)), ReportTable.Cell(pct(r.remaining))])
        }
        return table
    }

    /// The table as Markdown.
    public static func markdown(_ rows: [Row]) -> String { table(rows).markdown }

    /// Dev score against remaining weights, one chart per curve (a method, with its settings when they vary):
    /// a line per variant through the curve's levels (tasks), each point at the mean over completed seeds (remaining weights and score) with a ± std
    /// band on the score. Diverged seeds have no final score and are left out (the table counts them).
    public static func charts(_ rows: [Row], metricLabel: String = "dev score (%)") -> [(curve: String, chart: SVGLineChart)] {
        curves(rows).map { curve in
            var variants: [String] = []
            for r in rows where r.curve == curve && !variants.contains(r.variant) { variants.append(r.variant) }
            let lines = variants.map { v in
                SVGLineChart.Line(label: v, points: rows.filter { $0.curve == curve && $0.variant == v }.compactMap { r in
                    guard let score = r.score, let remaining = r.completedRemaining else { return nil }
                    return SVGLineChart.Point(x: 100 * remaining.mean, mean: 100 * score.mean,
                                              lower: 100 * (score.mean - score.std), upper: 100 * (score.mean + score.std))
                })
            }
            var chart = SVGLineChart(title: "\(curve): dev score vs remaining weights", xLabel: "remaining weights in pruned matrices (%, log scale)",
                                     yLabel: metricLabel + " (mean ± std over completed seeds)", lines: lines)
            chart.xScale = .log10
            return (curve, chart)
        }
    }
}
