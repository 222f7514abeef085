import Foundation

/// The regularized incomplete beta function I_x(a, b), the one special function the Student t
/// distribution needs. Our own (about 40 lines) rather than a numerics package: the harness depends on
/// nothing but the system libraries, and this is checked against scipy (`StatisticsTests`).
enum IncompleteBeta {
    /// I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1, to about 1e-14 relative.
    static func regularized(x: Double, a: Double, b: Double) -> Double { regularized(x: x, complement: 1 - x, a: a, b: b) }

    /// The same with 1 − x given by the caller, who can often compute it without the cancellation of `1 - x`
    /// (Student's t for large ν: x = ν/(ν+t²) is within 1e-6 of 1, its complement t²/(ν+t²) is exact).
    ///
    /// The continued fraction of Numerical Recipes (§6.4, evaluated by the modified Lentz method), which
    /// converges fast for x < (a + 1) / (a + b + 2); above that point the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) is used, so the fraction is always evaluated where it converges.
    static func regularized(x: Double, complement y: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "incomplete beta needs positive parameters")
        if x.isNaN || y.isNaN { return .nan }
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        // ln of x^a (1−x)^b / B(a, b), the factor in front of the fraction.
        let logFront = a * log(x) + b * log(y) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(x: y, a: b, b: a) / b
    }

    /// ln B(a, b). With a large parameter, lgamma(a + b) − lgamma(a) cancels most of its digits (Student's t
    /// with ν = 10⁶ lost three), so that difference comes from Stirling's series instead:
    /// ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + δ(x), where the ½ ln 2π cancel and the rest is computed as
    /// −(L − ½)·log1p(s/L) − s·ln(L + s) + s + δ(L) − δ(L + s).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let large = max(a, b), small = min(a, b)
        guard large >= 10 else { return lgamma(a) + lgamma(b) - lgamma(a + b) }
        // δ(x) = 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷), error below 1e-12 for x ≥ 10.
        func delta(_ x: Double) -> Double {
            let r = 1 / x, r2 = r * r
            return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)))
        }
        let lgammaLargeMinusSum = -(large - 0.5) * log1p(small / large) - small * log(large + small) + small
            + delta(large) - delta(large + small)
        return lgamma(small) + lgammaLargeMinusSum
    }

    static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            // Even step.
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
