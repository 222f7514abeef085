import BermoRuntime

/// A two-sided confidence interval for the mean of a sample (here: per-seed differences); encoded as it stands
/// in `results.json`'s comparisons.
public struct MeanInterval: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable {
        case studentT = "student-t"
        case bootstrapPercentile = "bootstrap-percentile"
    }

    public var level: Double
    public var low: Double
    public var high: Double
    public var method: Method

    public var excludesZero: Bool { low > 0 || high < 0 }

    /// From this many values on, the percentile bootstrap replaces Student's t. Below it the bootstrap is
    /// too narrow: in our simulation (`scripts/reference/interval_coverage.py`, docs/statistics.md) its 95%
    /// interval covered the true mean 84% of the time at n = 5, 90% at n = 10 and 92% at n = 20 for normal
    /// data, and never more often than Student's t for skewed or outlier-prone data; at n = 50 the two agree
    /// (94%), and there the bootstrap's asymmetric interval can follow a skewed distribution (a few bad seeds).
    public static let bootstrapMinimumCount = 50
    /// Resamples of the bootstrap, and the fixed seed that makes its interval reproducible.
    public static let bootstrapResamples = 10_000
    public static let bootstrapSeed: UInt64 = 0

    /// Student's t interval (n − 1 degrees of freedom) below `bootstrapMinimumCount` values, the percentile
    /// bootstrap from there on; nil for fewer than two values, where no interval exists.
    public static func forMean(of values: [Double], level: Double = 0.95) -> MeanInterval? {
        values.count >= bootstrapMinimumCount ? bootstrapPercentile(values, level: level) : studentT(values, level: level)
    }

    /// mean ± t_{(1+level)/2, n−1} · s / √n.
    public static func studentT(_ values: [Double], level: Double = 0.95) -> MeanInterval? {
        let (mean, std) = SampleMoments.of(values)
        guard let std else { return nil }
        let n = Double(values.count)
        let half = StudentT(degreesOfFreedom: n - 1).quantile((1 + level) / 2) * std / n.squareRoot()
        return MeanInterval(level: level, low: mean - half, high: mean + half, method: .studentT)
    }

    /// The (1 − level)/2 and (1 + level)/2 percentiles of the means of `resamples` resamples drawn with
    /// replacement by a generator seeded with `seed` (percentiles interpolated linearly, numpy's default).
    public static func bootstrapPercentile(_ values: [Double], level: Double = 0.95, resamples: Int = bootstrapResamples,
                                           seed: UInt64 = bootstrapSeed) -> MeanInterval? {
        guard values.count >= 2, resamples >= 1 else { return nil }
        var rng = SeededRandom(seed: seed)
        let n = values.count
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var sum = 0.0
            // The high word of a 64 × 64-bit product maps the generator's word onto 0..<n (Lemire), so the
            // draws depend on the generator alone, not on the standard library's sampling algorithm.
            for _ in 0..<n { sum += values[Int(rng.next().multipliedFullWidth(by: UInt64(n)).high)] }
            means[r] = sum / Double(n)
        }
        means.sort()
        return MeanInterval(level: level, low: percentile(sorted: means, (1 - level) / 2),
                            high: percentile(sorted: means, (1 + level) / 2), method: .bootstrapPercentile)
    }

    /// The q-quantile of sorted values, interpolated linearly between order statistics (numpy's "linear").
    static func percentile(sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        return sorted[below] + (position - Double(below)) * (sorted[above] - sorted[below])
    }
}
