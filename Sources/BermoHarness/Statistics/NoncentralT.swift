import Foundation

/// The noncentral t distribution's upper tail: the power of a t-test, for the seeds-per-run table
/// (`SampleSize`). T' = (Z + δ) / √(V/ν) with Z standard normal and V χ² with ν degrees of freedom, so
/// P(T' > x) = E[Φ̄(x·S − δ)] with S = √(V/ν); the expectation is integrated over S's density by Simpson's
/// rule on a fine grid (checked against scipy's `nct.sf` to 1e-7).
public struct NoncentralT: Sendable, Equatable {
    public let degreesOfFreedom: Double
    public let noncentrality: Double

    public init(degreesOfFreedom: Double, noncentrality: Double) {
        precondition(degreesOfFreedom >= 1, "noncentral t needs at least one degree of freedom")
        self.degreesOfFreedom = degreesOfFreedom; self.noncentrality = noncentrality
    }

    /// P(T' > x).
    public func survival(_ x: Double) -> Double {
        let nu = degreesOfFreedom, delta = noncentrality
        // S = √(V/ν) has density 2νs·f_χ²(νs²); V beyond ν + 40√(2ν) + 80 carries no mass in double precision.
        let upper = ((nu + 40 * (2 * nu).squareRoot() + 80) / nu).squareRoot()
        let logNorm = -lgamma(nu / 2) - nu / 2 * log(2.0)
        func density(_ s: Double) -> Double {
            guard s > 0 else { return nu == 1 ? (2 / Double.pi).squareRoot() : 0 }
            let v = nu * s * s
            return 2 * nu * s * exp((nu / 2 - 1) * log(v) - v / 2 + logNorm)
        }
        func integrand(_ s: Double) -> Double { density(s) * 0.5 * erfc((x * s - delta) / 2.0.squareRoot()) }
        let intervals = 20_000
        let h = upper / Double(intervals)
        var sum = integrand(0) + integrand(upper)
        for i in 1..<intervals { sum += integrand(Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return min(1, max(0, sum * h / 3))
    }
}
