/// A t-test between two independent samples (a baseline's and a current run's per-seed values).
public struct TwoSampleTest: Sendable, Equatable {
    public enum Method: String, Sendable {
        /// Welch's test: each sample's own variance, Welch–Satterthwaite degrees of freedom.
        case welch
        /// Student's test with pooled variance; with one value on one side it is the only test there is
        /// (that side has no variance of its own, so the other side's stands for both).
        case pooled = "student-pooled"
    }

    public var method: Method
    /// (mean of x − mean of y) / standard error; ±∞ when both samples are constant and differ.
    public var t: Double
    public var degreesOfFreedom: Double
    public var difference: Double
    public var standardError: Double

    /// P(T ≥ t) under equal means: the p-value for "x's mean is greater than y's".
    public var pGreater: Double { tail(t) }
    /// P(T ≤ t): the p-value for "x's mean is less than y's".
    public var pLess: Double { tail(-t) }

    func tail(_ t: Double) -> Double {
        // Both samples constant: the difference is certain (p = 0 for the side it lies on), or there is
        // none at all (p = 1: no evidence either way).
        if standardError == 0 { return t > 0 ? 0 : 1 }
        return StudentT(degreesOfFreedom: degreesOfFreedom).survival(t)
    }

    /// Welch's test; nil unless both samples have at least two values.
    public static func welch(_ x: [Double], _ y: [Double]) -> TwoSampleTest? {
        let (mx, sx) = SampleMoments.of(x), (my, sy) = SampleMoments.of(y)
        guard let sx, let sy else { return nil }
        let vx = sx * sx / Double(x.count), vy = sy * sy / Double(y.count)
        let se = (vx + vy).squareRoot()
        let df = se == 0 ? Double(x.count + y.count - 2)
            : (vx + vy) * (vx + vy) / (vx * vx / Double(x.count - 1) + vy * vy / Double(y.count - 1))
        return make(.welch, difference: mx - my, se: se, df: df)
    }

    /// Student's pooled-variance test; nil unless there are at least three values with one sample of two or more.
    public static func pooled(_ x: [Double], _ y: [Double]) -> TwoSampleTest? {
        let nx = Double(x.count), ny = Double(y.count)
        guard x.count >= 1, y.count >= 1, x.count + y.count >= 3 else { return nil }
        let (mx, sx) = SampleMoments.of(x), (my, sy) = SampleMoments.of(y)
        let ssx = (sx ?? 0) * (sx ?? 0) * (nx - 1), ssy = (sy ?? 0) * (sy ?? 0) * (ny - 1)
        let df = nx + ny - 2
        let se = ((ssx + ssy) / df * (1 / nx + 1 / ny)).squareRoot()
        return make(.pooled, difference: mx - my, se: se, df: df)
    }

    static func make(_ method: Method, difference: Double, se: Double, df: Double) -> TwoSampleTest {
        let t = se > 0 ? difference / se : (difference == 0 ? 0 : difference > 0 ? .infinity : -.infinity)
        return TwoSampleTest(method: method, t: t, degreesOfFreedom: df, difference: difference, standardError: se)
    }
}
