/// The seed-noise test of a noise-aware tolerance (`Tolerance.welch`): is the current run's mean worse
/// (or better) than the baseline's by more than seed noise explains, one-sided at `level`?
///
/// Which test runs depends on the seeds each run has:
/// - two or more on both sides: Welch's t-test (each run's own seed variance);
/// - one on one side, two or more on the other: Student's pooled t-test, which takes the other run's seed
///   variance for both (a single seed has none of its own) — the common CI case of a one-seed run
///   against a several-seed baseline;
/// - one on both sides: no test (there is no seed variance to judge by); the plain tolerance decides and
///   the row says so.
public struct NoiseTest: Sendable, Equatable {
    public var level: Double
    /// nil when both runs have a single seed.
    public var test: TwoSampleTest?
    /// One-sided p-value of "current worse than baseline" (in the metric's direction).
    public var pWorse: Double?
    /// One-sided p-value of "current better than baseline".
    public var pBetter: Double?
    /// What the row should say besides the numbers (the fallback taken, or why there is no test).
    public var note: String?

    public init(baseline: Aggregate, current: Aggregate, higherIsBetter: Bool, level: Double) {
        self.level = level
        let b = baseline.values.map(\.value), c = current.values.map(\.value)
        if b.count >= 2 && c.count >= 2 {
            test = TwoSampleTest.welch(c, b)
        } else if b.isEmpty || c.isEmpty {
            // Only a results file edited by hand lacks them: bermo writes every seed's value beside the mean.
            note = "no per-seed values in \(b.isEmpty ? "the baseline" : "the current run"): the plain tolerance decides"
        } else if b.count + c.count >= 3 {
            test = TwoSampleTest.pooled(c, b)
            let single = b.count == 1 ? "the baseline" : "the current run"
            note = "\(single) has 1 seed: pooled test on the other run's seed variance"
        } else {
            note = "1 seed in each run: no seed variance to test against, the plain tolerance decides"
        }
        if let test {
            // The test's x is the current run: "worse" is a lower mean when higher is better.
            pWorse = higherIsBetter ? test.pLess : test.pGreater
            pBetter = higherIsBetter ? test.pGreater : test.pLess
        }
    }

    /// Whether seed noise explains the move in the given direction (nil: no test ran).
    public func explainsMove(worse: Bool) -> Bool? {
        (worse ? pWorse : pBetter).map { $0 >= level }
    }

    /// The p-value in the direction the mean moved, against the level: `Welch p(worse)=0.012 < 0.05`,
    /// `Student p(better)=0.31 ≥ 0.05`, or `no test (1 seed each)`.
    public func summary(worse: Bool) -> String {
        guard let test, let p = worse ? pWorse : pBetter else { return "no test (1 seed each)" }
        let name = test.method == .welch ? "Welch" : "Student"
        return "\(name) p(\(worse ? "worse" : "better"))=\(Self.format(p)) \(p < level ? "<" : "≥") \(Self.format(level))"
    }

    /// Two significant digits (`0.012`, `0.5`), scientific below 0.001 (`3.1e-05`).
    static func format(_ p: Double) -> String {
        if p == 0 { return "0" }
        return p < 1e-3 ? String(format: "%.1e", p) : String(format: "%.2g", p)
    }
}
