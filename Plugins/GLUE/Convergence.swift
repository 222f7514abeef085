import Foundation

/// Convergence analysis of dev curves, to check claims such as BERMo's "1.67x faster on MNLI" (Kodge &
/// Roy 2021): how many steps each variant needs to reach a target dev score, and the ratio.
///
/// Plain functions over curves (`[Convergence.Point]`, score by training step), independent of how the
/// curves were produced.
public enum Convergence {
    /// One evaluation: the training step, the examples seen by then, and the dev score.
    public struct Point: Codable, Sendable, Equatable {
        public var step: Int
        public var examplesSeen: Int
        public var score: Double
        public init(step: Int, examplesSeen: Int, score: Double) {
            self.step = step; self.examplesSeen = examplesSeen; self.score = score
        }
    }

    /// What "converged" means for a comparison.
    public enum Target: Codable, Sendable, Equatable {
        /// This fraction of the baseline variant's best dev score (averaged over its seeds), e.g. 0.99.
        case fractionOfBaselineBest(Double)
        /// A fixed dev score, e.g. 0.80 accuracy.
        case value(Double)
    }

    /// The per-job numbers a report shows.
    public struct Summary: Codable, Sendable, Equatable {
        public var target: Double
        /// First evaluated step whose score is at least `target`; nil if the curve never gets there.
        public var stepsToTarget: Int?
        public var examplesToTarget: Int?
        /// Trapezoid area under the score-by-step curve divided by the step range (first to last point): the
        /// curve's mean height, in score units. A single point gives its score; an empty curve nil.
        public var normalizedArea: Double?
        public var bestScore: Double?
        public var bestStep: Int?
        public var finalScore: Double?
        public var finalStep: Int?
    }

    /// The first point whose score reaches `target` (points are taken in step order). No interpolation: the
    /// resolution is the evaluation interval (`eval_steps`).
    public static func firstReaching(_ curve: [Point], target: Double) -> Point? {
        sorted(curve).first { $0.score >= target }
    }

    /// Mean height of the curve over its step range by the trapezoid rule; see `Summary.normalizedArea`.
    public static func normalizedArea(_ curve: [Point]) -> Double? {
        let c = sorted(curve)
        guard let first = c.first, let last = c.last else { return nil }
        guard last.step > first.step else { return c.map(\.score).reduce(0, +) / Double(c.count) }
        var area = 0.0
        for (a, b) in zip(c, c.dropFirst()) { area += Double(b.step - a.step) * (a.score + b.score) / 2 }
        return area / Double(last.step - first.step)
    }

    public static func best(_ curve: [Point]) -> Point? {
        // Highest score; ties go to the earliest step.
        sorted(curve).reduce(nil) { best, p in best.map { p.score > $0.score ? p : $0 } ?? p }
    }

    public static func summarize(_ curve: [Point], target: Double) -> Summary {
        let reached = firstReaching(curve, target: target), top = best(curve), last = sorted(curve).last
        return Summary(target: target, stepsToTarget: reached?.step, examplesToTarget: reached?.examplesSeen,
                       normalizedArea: normalizedArea(curve), bestScore: top?.score, bestStep: top?.step,
                       finalScore: last?.score, finalStep: last?.step)
    }

    /// The target score: a fixed value, or `fraction` × the mean over `baselineCurves` (one per seed) of
    /// each curve's best score. One target for every job of the comparison, so all are held to the same bar.
    public static func resolve(_ target: Target, baselineCurves: [[Point]]) -> Double? {
        switch target {
        case .value(let v): return v
        case .fractionOfBaselineBest(let f):
            let bests = baselineCurves.compactMap { best($0)?.score }
            guard !bests.isEmpty else { return nil }
            return f * bests.reduce(0, +) / Double(bests.count)
        }
    }

    /// One seed's comparison of a baseline run (BERT) and a candidate run (BERMo).
    public struct SeedComparison: Codable, Sendable, Equatable {
        public var seed: UInt64
        public var baseline: Summary
        public var candidate: Summary
        /// steps_baseline / steps_candidate when both reach the target; > 1 means the candidate is faster.
        public var speedup: Double?
        /// Same in examples seen (differs from `speedup` only when the batch sizes differ).
        public var examplesSpeedup: Double?
        public var outcome: Outcome
        /// When only one run reaches the target, the ratio is bounded by the other run's last evaluated step:
        /// a lower bound (candidate reached, baseline did not: speedup > baseline's last step / candidate's
        /// steps) or an upper bound (baseline reached, candidate did not). Not used in the mean.
        public var speedupBound: Double?
    }

    public enum Outcome: String, Codable, Sendable {
        case bothReached = "both_reached"
        /// Speed-up is at least `speedupBound`.
        case onlyCandidateReached = "only_candidate_reached"
        /// Speed-up is at most `speedupBound`.
        case onlyBaselineReached = "only_baseline_reached"
        case neitherReached = "neither_reached"
    }

    /// Speed-up over seeds.
    public struct Speedup: Codable, Sendable, Equatable {
        public var target: Double
        public var perSeed: [SeedComparison]
        /// Mean and sample standard deviation (n − 1; 0 for one seed) of `speedup` over the seeds where both
        /// runs reached the target; nil when there is none. Seeds with other outcomes are counted below and
        /// reported with their bounds, never averaged in.
        public var mean: Double?
        public var std: Double?
        public var seedsBothReached: Int
        public var seedsOnlyCandidateReached: Int
        public var seedsOnlyBaselineReached: Int
        public var seedsNeitherReached: Int
        /// Mean normalized area under the curve of each variant over all seeds.
        public var baselineMeanArea: Double?
        public var candidateMeanArea: Double?
        /// The best score any run had before training (its step-0 evaluation), when the curves have one.
        public var startScore: Double?
        /// False when the target is at or below `startScore`: an untrained head already meets it (e.g. the
        /// majority-class level on MRPC), so steps to it measure nothing and no speed-up is given.
        public var informative: Bool { Convergence.informative(target: target, startScore: startScore) }
    }

    /// Whether steps to `target` mean anything: not when an untrained run (step 0) already scores at or above it.
    static func informative(target: Double, startScore: Double?) -> Bool { startScore.map { target > $0 } ?? true }

    /// Compares baseline and candidate curves seed by seed (pairs matched by seed). The target is resolved
    /// once from all baseline curves (see `resolve`); nil when it cannot be (fraction target, empty curves).
    public static func speedup(baseline: [UInt64: [Point]], candidate: [UInt64: [Point]], target: Target) -> Speedup? {
        guard let t = resolve(target, baselineCurves: baseline.keys.sorted().map { baseline[$0]! }) else { return nil }
        var rows: [SeedComparison] = []
        for seed in Set(baseline.keys).intersection(candidate.keys).sorted() {
            let b = summarize(baseline[seed]!, target: t), c = summarize(candidate[seed]!, target: t)
            var row = SeedComparison(seed: seed, baseline: b, candidate: c, speedup: nil, examplesSpeedup: nil,
                                     outcome: .neitherReached, speedupBound: nil)
            switch (b.stepsToTarget, c.stepsToTarget) {
            case let (bs?, cs?):
                row.outcome = .bothReached
                row.speedup = Double(bs) / Double(max(cs, 1))
                if let be = b.examplesToTarget, let ce = c.examplesToTarget { row.examplesSpeedup = Double(be) / Double(max(ce, 1)) }
            case let (nil, cs?):
                row.outcome = .onlyCandidateReached
                row.speedupBound = b.finalStep.map { Double($0) / Double(max(cs, 1)) }
            case let (bs?, nil):
                row.outcome = .onlyBaselineReached
                row.speedupBound = c.finalStep.map { Double(bs) / Double(max($0, 1)) }
            case (nil, nil):
                row.outcome = .neitherReached
            }
            rows.append(row)
        }
        let starts = (Array(baseline.values) + Array(candidate.values)).compactMap { c in c.first(where: { $0.step == 0 })?.score }
        let start = starts.max()
        let ratios = informative(target: t, startScore: start) ? rows.compactMap(\.speedup) : []
        let mean = ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count)
        let std = mean.map { m in ratios.count < 2 ? 0 : (ratios.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(ratios.count - 1)).squareRoot() }
        func meanArea(_ curves: [UInt64: [Point]]) -> Double? {
            let a = curves.values.compactMap { normalizedArea($0) }
            return a.isEmpty ? nil : a.reduce(0, +) / Double(a.count)
        }
        func count(_ o: Outcome) -> Int { rows.filter { $0.outcome == o }.count }
        return Speedup(target: t, perSeed: rows, mean: mean, std: std,
                       seedsBothReached: count(.bothReached), seedsOnlyCandidateReached: count(.onlyCandidateReached),
                       seedsOnlyBaselineReached: count(.onlyBaselineReached), seedsNeitherReached: count(.neitherReached),
                       baselineMeanArea: meanArea(baseline), candidateMeanArea: meanArea(candidate), startScore: start)
    }

    private static func sorted(_ curve: [Point]) -> [Point] {
        curve.enumerated().sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }.map(\.element)
    }
}
