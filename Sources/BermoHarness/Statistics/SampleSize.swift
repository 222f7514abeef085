/// How many seeds each of two runs needs for the gate's one-sided two-sample t-test to detect a drop.
public enum SampleSize {
    /// Power of the one-sided two-sample t-test at level `alpha` with `n` seeds per run, when the true drop
    /// is `drop` and each run's seed standard deviation is `std`: the noncentral t's tail beyond the critical
    /// value, df 2n − 2, noncentrality drop / (std·√(2/n)). (Welch's df is 2n − 2 too when the stds are equal.)
    public static func power(seedsPerRun n: Int, drop: Double, std: Double, alpha: Double) -> Double {
        precondition(n >= 2, "a t-test needs two seeds per run")
        guard std > 0 else { return drop > 0 ? 1 : alpha }
        let df = Double(2 * n - 2)
        let critical = StudentT(degreesOfFreedom: df).quantile(1 - alpha)
        return NoncentralT(degreesOfFreedom: df, noncentrality: drop / (std * (2 / Double(n)).squareRoot())).survival(critical)
    }

    /// The smallest n ≥ 2 whose power reaches `power`, or nil when even `limit` seeds per run do not
    /// (or the drop is not positive).
    public static func seedsPerRun(drop: Double, std: Double, alpha: Double = 0.05, power target: Double = 0.8,
                                   limit: Int = 100_000) -> Int? {
        guard drop > 0 else { return nil }
        func enough(_ n: Int) -> Bool { power(seedsPerRun: n, drop: drop, std: std, alpha: alpha) >= target }
        // Power grows with n: double until it is enough, then bisect.
        var low = 1, high = 2
        while !enough(high) {
            guard high < limit else { return nil }
            low = high; high = min(2 * high, limit)
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if enough(mid) { high = mid } else { low = mid }
        }
        return high
    }
}
