@testable import BermoHarness
import Foundation
import Testing

/// Everything in `Sources/BermoHarness/Statistics` against scipy's values (the committed fixture
/// `Tests/Fixtures/statistics/scipy_reference.json`, written by `scripts/reference/make_statistics_fixture.py`).
@Suite struct StatisticsTests {
    struct Reference: Decodable {
        struct Beta: Decodable { let x, a, b, value: Double }
        struct CDF: Decodable { let df, t, cdf, sf: Double }
        struct Quantile: Decodable { let df, p, q: Double }
        struct TwoSample: Decodable {
            let x, y: [Double]
            let t, df, p_greater, p_less: Double
        }
        struct Interval: Decodable { let values: [Double]; let level, low, high: Double }
        struct Percentile: Decodable { let values: [Double]; let q, value: Double }
        struct Noncentral: Decodable { let df, x, ncp, sf: Double }
        struct Power: Decodable { let delta, sigma, alpha, power: Double; let n: Int }
        let incomplete_beta: [Beta]
        let t_cdf: [CDF]
        let t_quantile: [Quantile]
        let welch: [TwoSample]
        let pooled: [TwoSample]
        let t_interval: [Interval]
        let percentile: [Percentile]
        let noncentral_t_sf: [Noncentral]
        let power: [Power]
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/statistics/scipy_reference.json")
        // A missing or broken fixture must fail the tests loudly, not skip them.
        do { return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url)) } catch {
            fatalError("\(url.path): \(error); regenerate it with scripts/reference/make_statistics_fixture.py")
        }
    }()

    /// |a − b| ≤ tolerance · max(|b|, floor): relative, with an absolute floor for values near zero.
    static func close(_ a: Double, _ b: Double, _ tolerance: Double, floor: Double = 1e-300) -> Bool {
        abs(a - b) <= tolerance * max(abs(b), floor)
    }

    @Test func regularizedIncompleteBetaMatchesScipy() {
        #expect(Self.reference.incomplete_beta.count == 36)
        for c in Self.reference.incomplete_beta {
            let value = IncompleteBeta.regularized(x: c.x, a: c.a, b: c.b)
            #expect(Self.close(value, c.value, 1e-11, floor: 1e-15), "I_\(c.x)(\(c.a), \(c.b)) = \(value), scipy \(c.value)")
        }
    }

    @Test func studentTCDFAndTailsMatchScipy() {
        #expect(Self.reference.t_cdf.count == 110)
        for c in Self.reference.t_cdf {
            let t = StudentT(degreesOfFreedom: c.df)
            // Relative accuracy in both tails: the upper tail is computed directly, not as 1 − cdf.
            #expect(Self.close(t.cdf(c.t), c.cdf, 1e-10, floor: 1e-300), "cdf(\(c.t); df \(c.df)) = \(t.cdf(c.t)), scipy \(c.cdf)")
            #expect(Self.close(t.survival(c.t), c.sf, 1e-10, floor: 1e-300), "sf(\(c.t); df \(c.df)) = \(t.survival(c.t)), scipy \(c.sf)")
        }
    }

    @Test func studentTQuantilesMatchScipy() {
        #expect(Self.reference.t_quantile.count == 120)
        for c in Self.reference.t_quantile {
            let q = StudentT(degreesOfFreedom: c.df).quantile(c.p)
            #expect(Self.close(q, c.q, 1e-9, floor: 1e-12), "quantile(\(c.p); df \(c.df)) = \(q), scipy \(c.q)")
        }
        #expect(StudentT(degreesOfFreedom: 3).quantile(0) == -.infinity && StudentT(degreesOfFreedom: 3).quantile(1) == .infinity)
    }

    @Test func welchAndPooledTestsMatchScipy() throws {
        #expect(Self.reference.welch.count == 5 && Self.reference.pooled.count == 7)
        for c in Self.reference.welch {
            let test = try #require(TwoSampleTest.welch(c.x, c.y))
            #expect(test.method == .welch)
            #expect(Self.close(test.t, c.t, 1e-9) && Self.close(test.degreesOfFreedom, c.df, 1e-9), "welch \(c.x) vs \(c.y): \(test)")
            #expect(Self.close(test.pGreater, c.p_greater, 1e-9) && Self.close(test.pLess, c.p_less, 1e-9), "welch p: \(test.pGreater), \(test.pLess)")
        }
        for c in Self.reference.pooled {
            let test = try #require(TwoSampleTest.pooled(c.x, c.y))
            #expect(Self.close(test.t, c.t, 1e-9) && test.degreesOfFreedom == c.df, "pooled \(c.x) vs \(c.y): \(test)")
            #expect(Self.close(test.pGreater, c.p_greater, 1e-9) && Self.close(test.pLess, c.p_less, 1e-9), "pooled p: \(test.pGreater), \(test.pLess)")
        }
        // Welch needs two values on each side; the pooled test three in all.
        #expect(TwoSampleTest.welch([0.8], [0.7, 0.71]) == nil && TwoSampleTest.pooled([0.8], [0.7]) == nil)
        // Constant samples: a difference is certain, its absence gives no evidence.
        let certain = try #require(TwoSampleTest.welch([0.5, 0.5], [0.6, 0.6]))
        #expect(certain.t == -.infinity && certain.pLess == 0 && certain.pGreater == 1)
        let none = try #require(TwoSampleTest.welch([0.5, 0.5], [0.5, 0.5]))
        #expect(none.pLess == 1 && none.pGreater == 1)
    }

    @Test func studentIntervalOfAMeanMatchesScipy() throws {
        #expect(Self.reference.t_interval.count == 4)
        for c in Self.reference.t_interval {
            let interval = try #require(MeanInterval.studentT(c.values, level: c.level))
            #expect(interval.method == .studentT)
            #expect(Self.close(interval.low, c.low, 1e-10, floor: 1e-3) && Self.close(interval.high, c.high, 1e-10, floor: 1e-3),
                    "\(c.values): [\(interval.low), \(interval.high)], scipy [\(c.low), \(c.high)]")
        }
        #expect(MeanInterval.studentT([0.3]) == nil && MeanInterval.studentT([]) == nil)
    }

    @Test func percentilesInterpolateAsNumpyDoes() {
        #expect(Self.reference.percentile.count == 18)
        for c in Self.reference.percentile {
            let value = MeanInterval.percentile(sorted: c.values.sorted(), c.q)
            #expect(Self.close(value, c.value, 1e-12, floor: 1e-12), "percentile \(c.q) of \(c.values.count) values: \(value), numpy \(c.value)")
        }
    }

    @Test func bootstrapIntervalIsReproducibleAndAgreesWithStudentForManySeeds() throws {
        // 60 differences (the bootstrap's range: n ≥ 50), spread like a real metric's.
        let values: [Double] = (0..<60).map { i in
            let x = Double(i)
            let wave: Double = 0.02 * sin(x * 1.7)
            return 0.01 + wave + 0.005 * cos(x * x * 0.3)
        }
        let chosen = try #require(MeanInterval.forMean(of: values))
        #expect(chosen.method == .bootstrapPercentile)
        #expect(chosen == MeanInterval.forMean(of: values), "same values, same fixed seed: the same interval")
        let student = try #require(MeanInterval.studentT(values))
        // Both intervals estimate mean ± 1.96 s/√n here; the bootstrap's is a little narrower (it divides by n).
        let mean = values.reduce(0, +) / 60
        #expect(chosen.low < mean && mean < chosen.high)
        #expect(abs(chosen.low - student.low) < 0.15 * (student.high - student.low))
        #expect(abs(chosen.high - student.high) < 0.15 * (student.high - student.low))
        // Below 50 values Student's t is used; a different seed moves the bootstrap a little, not much.
        #expect(MeanInterval.forMean(of: Array(values.prefix(49)))?.method == .studentT)
        let other = try #require(MeanInterval.bootstrapPercentile(values, seed: 7))
        #expect(other != chosen && abs(other.low - chosen.low) < 0.05 * (chosen.high - chosen.low))
    }

    @Test func noncentralTTailMatchesScipy() {
        #expect(Self.reference.noncentral_t_sf.count == 64)
        for c in Self.reference.noncentral_t_sf {
            let sf = NoncentralT(degreesOfFreedom: c.df, noncentrality: c.ncp).survival(c.x)
            #expect(abs(sf - c.sf) < 1e-7, "nct.sf(\(c.x); df \(c.df), ncp \(c.ncp)) = \(sf), scipy \(c.sf)")
        }
    }

    @Test func seedsNeededToDetectADropMatchScipy() {
        #expect(Self.reference.power.count == 6)
        for c in Self.reference.power {
            let n = SampleSize.seedsPerRun(drop: c.delta, std: c.sigma, alpha: c.alpha, power: c.power)
            #expect(n == c.n, "drop \(c.delta), std \(c.sigma): \(n.map(String.init) ?? "none"), scipy \(c.n)")
        }
        #expect(SampleSize.seedsPerRun(drop: 0.01, std: 0) == 2)
        #expect(SampleSize.seedsPerRun(drop: 0, std: 0.01) == nil)
        #expect(SampleSize.seedsPerRun(drop: 0.01, std: 10, limit: 1000) == nil)
    }
}
