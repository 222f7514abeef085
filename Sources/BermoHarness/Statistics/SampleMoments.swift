/// Mean and sample standard deviation: the one definition every aggregate, interval and test uses.
public enum SampleMoments {
    /// Mean (NaN for no values) and sample standard deviation with n − 1 in the denominator (nil for
    /// fewer than two values, where it is undefined rather than zero).
    public static func of(_ values: [Double]) -> (mean: Double, std: Double?) {
        guard !values.isEmpty else { return (.nan, nil) }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        guard values.count > 1 else { return (mean, nil) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, variance.squareRoot())
    }
}
