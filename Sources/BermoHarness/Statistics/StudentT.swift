import Foundation

/// Student's t distribution with `degreesOfFreedom` ν > 0 (not necessarily an integer: Welch's test
/// gives fractional ones). Intervals over seeds and the gate's tests read their quantiles and tails here.
public struct StudentT: Sendable, Equatable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "Student t needs positive degrees of freedom")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T > t), computed directly (not as 1 − cdf) so small upper tails keep their digits.
    public func survival(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        if t == .infinity { return 0 }
        if t == -.infinity { return 1 }
        let nu = degreesOfFreedom
        // P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
        let twoTailed = IncompleteBeta.regularized(x: nu / (nu + t * t), complement: t * t / (nu + t * t), a: nu / 2, b: 0.5)
        return t > 0 ? twoTailed / 2 : 1 - twoTailed / 2
    }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double { survival(-t) }

    /// The t with P(T ≤ t) = p, for 0 < p < 1 (±∞ at 0 and 1). Found by bisection on the upper tail of
    /// the symmetric distribution, to the last bit of t: slow next to a rational approximation, but a
    /// report needs a few dozen of them, and bisection cannot fail to converge.
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "a probability is in [0, 1]")
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let tail = min(p, 1 - p)
        var low = 0.0, high = 1.0
        while survival(high) > tail { low = high; high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if mid == low || mid == high { break }
            if survival(mid) > tail { low = mid } else { high = mid }
        }
        let t = (low + high) / 2
        return p > 0.5 ? t : -t
    }
}
