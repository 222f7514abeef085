import BermoTestSupport
import Foundation
import GLUEPlugin
import Testing

@Suite("Convergence analysis on hand-made curves")
struct ConvergenceTests {
    typealias P = Convergence.Point
    static func curve(_ points: [(Int, Double)], batch: Int = 32) -> [P] {
        points.map { P(step: $0.0, examplesSeen: $0.0 * batch, score: $0.1) }
    }

    @Test("steps to target, normalized area, best and final")
    func summary() throws {
        let c = Self.curve([(0, 0.5), (100, 0.6), (200, 0.8), (300, 0.75)])
        let s = Convergence.summarize(c, target: 0.7)
        #expect(s.stepsToTarget == 200 && s.examplesToTarget == 6400)
        // Trapezoids: 100·0.55 + 100·0.70 + 100·0.775 = 202.5 over 300 steps.
        #expect(abs(s.normalizedArea! - 0.675) < 1e-12)
        #expect(s.bestScore == 0.8 && s.bestStep == 200 && s.finalScore == 0.75 && s.finalStep == 300)
        #expect(Convergence.summarize(c, target: 0.81).stepsToTarget == nil)
        // Order of the input does not matter; a single point's area is its score; no points, no area.
        #expect(Convergence.summarize(c.reversed(), target: 0.7) == s)
        #expect(Convergence.normalizedArea(Self.curve([(50, 0.4)])) == 0.4)
        #expect(Convergence.normalizedArea([]) == nil)
        // Ties for best go to the earliest step.
        #expect(Convergence.best(Self.curve([(10, 0.9), (20, 0.9)]))?.step == 10)
    }

    @Test("targets: fixed, or a fraction of the baseline's best averaged over seeds")
    func targets() {
        let a = Self.curve([(100, 0.7), (200, 0.8)]), b = Self.curve([(100, 0.9), (200, 0.85)])
        #expect(Convergence.resolve(.value(0.6), baselineCurves: []) == 0.6)
        #expect(abs(Convergence.resolve(.fractionOfBaselineBest(0.9), baselineCurves: [a, b])! - 0.765) < 1e-12)
        #expect(Convergence.resolve(.fractionOfBaselineBest(0.9), baselineCurves: [[]]) == nil)
    }

    @Test("speed-up per seed, mean ± sample std, unreached targets reported as bounds and left out")
    func speedup() throws {
        let bert: [UInt64: [P]] = [
            1: Self.curve([(100, 0.5), (200, 0.6), (300, 0.8)]),
            2: Self.curve([(100, 0.5), (200, 0.6), (300, 0.65), (400, 0.8)]),
            3: Self.curve([(100, 0.5), (200, 0.8)]),
            4: Self.curve([(100, 0.5), (200, 0.6)]),
            5: Self.curve([(100, 0.5), (200, 0.6)]),
        ]
        let bermo: [UInt64: [P]] = [
            1: Self.curve([(100, 0.6), (200, 0.8)]),
            2: Self.curve([(100, 0.6), (200, 0.8)]),
            3: Self.curve([(100, 0.6), (200, 0.65), (300, 0.7)]),
            4: Self.curve([(100, 0.75)]),
            5: Self.curve([(100, 0.6)]),
        ]
        let s = try #require(Convergence.speedup(baseline: bert, candidate: bermo, target: .value(0.75)))
        #expect(s.perSeed.map(\.seed) == [1, 2, 3, 4, 5])
        #expect(s.perSeed.map(\.outcome) == [.bothReached, .bothReached, .onlyBaselineReached, .onlyCandidateReached, .neitherReached])
        #expect(s.perSeed[0].speedup == 1.5 && s.perSeed[1].speedup == 2.0)
        #expect(s.perSeed[0].examplesSpeedup == 1.5)
        // Seed 3: BERT at 200, BERMo not by its last step 300 → speed-up at most 200/300.
        #expect(abs(s.perSeed[2].speedupBound! - 2.0 / 3) < 1e-12 && s.perSeed[2].speedup == nil)
        // Seed 4: BERMo at 100, BERT not by 200 → at least 2.
        #expect(s.perSeed[3].speedupBound == 2.0)
        #expect(s.mean == 1.75)
        #expect(abs(s.std! - 0.125.squareRoot()) < 1e-12)  // sqrt(((−0.25)² + 0.25²) / (2 − 1))
        #expect(s.seedsBothReached == 2 && s.seedsOnlyBaselineReached == 1 && s.seedsOnlyCandidateReached == 1 && s.seedsNeitherReached == 1)

        // One seed: std 0; no seed reaching: no mean.
        let one = try #require(Convergence.speedup(baseline: [1: bert[1]!], candidate: [1: bermo[1]!], target: .value(0.75)))
        #expect(one.mean == 1.5 && one.std == 0)
        let none = try #require(Convergence.speedup(baseline: [5: bert[5]!], candidate: [5: bermo[5]!], target: .value(0.75)))
        #expect(none.mean == nil && none.std == nil)
        // The paper's "1.67x on MNLI" would read as mean ≈ 1.67 here.
        let paperLike = try #require(Convergence.speedup(baseline: [1: Self.curve([(1000, 0.7), (5000, 0.84)])],
                                                         candidate: [1: Self.curve([(1000, 0.7), (3000, 0.84)])],
                                                         target: .fractionOfBaselineBest(1.0)))
        #expect(abs(paperLike.mean! - 5.0 / 3) < 1e-12)
        #expect(paperLike.informative && paperLike.startScore == nil)   // no step-0 evaluation: nothing to check
    }

    @Test("a target the untrained head already meets (step 0) gives no speed-up")
    func targetBelowStart() throws {
        // MRPC-like: the majority-class level (0.748) at step 0 is above 95% of BERT's best (0.95 × 0.78).
        let bert: [UInt64: [P]] = [1: Self.curve([(0, 0.748), (25, 0.70), (50, 0.78)])]
        let bermo: [UInt64: [P]] = [1: Self.curve([(0, 0.748), (25, 0.75), (50, 0.77)])]
        let s = try #require(Convergence.speedup(baseline: bert, candidate: bermo, target: .fractionOfBaselineBest(0.95)))
        #expect(s.startScore == 0.748 && !s.informative)
        #expect(s.mean == nil && s.perSeed[0].candidate.stepsToTarget == 0)
        let above = try #require(Convergence.speedup(baseline: bert, candidate: bermo, target: .value(0.76)))
        #expect(above.informative && above.mean == 1.0)
    }
}
