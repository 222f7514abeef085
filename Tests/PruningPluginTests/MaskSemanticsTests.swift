import BermoTestSupport
import BermoRuntime
import Foundation
@testable import PruningPlugin
import Testing

@Suite("Mask semantics of each method")
struct MaskSemanticsTests {
    @Test("movement keeps exactly int(v·n) of the highest scores, ties broken by lowest index")
    func movementTopK() {
        let m = TestMatrix(scores: [0.5, -1, 3, 2, 2, 0, 7, -3, 1, 4], rows: 2, cols: 5)
        let method = MovementPruning()
        m.fill(method, threshold: 0.35)  // int(3.5) = 3
        #expect(m.kept == [2, 6, 9])
        m.fill(method, threshold: 0.4)  // 4: 7, 4, 3, then the first of the tied 2s
        #expect(m.kept == [2, 3, 6, 9])
        m.fill(method, threshold: 0.5)
        #expect(m.kept == [2, 3, 4, 6, 9])
        m.fill(method, threshold: 1)
        #expect(m.kept.count == 10)
        m.fill(method, threshold: 0.09)  // int(0.9) = 0: emmental's TopK keeps nothing
        #expect(m.kept.isEmpty)
        #expect(Set(m.mask) == [0])
        // Python's int(0.7 * 10) = 7 even though 0.7·10 = 7.000000000000001 in floating point.
        m.fill(method, threshold: 0.7)
        #expect(m.kept.count == 7)
    }

    @Test("top-k counts are exact on large random matrices, including many equal scores")
    func topKCountsRandom() {
        var rng = SeededRandom(seed: 3)
        let n = 384 * 96
        let scores = (0..<n).map { i in i % 3 == 0 ? Float(Int(rng.next() % 5)) : rng.nextNormal() }
        let m = TestMatrix(scores: scores, rows: 384, cols: 96)
        for v in [0.9, 0.5, 0.1, 0.03, 0.005, 1.0 / Double(n)] {
            m.fill(MovementPruning(), threshold: v)
            let k = Int(v * Double(n))
            #expect(m.kept.count == k, "v=\(v)")
            // Every kept score is ≥ every dropped one.
            let keptMin = m.kept.map { scores[$0] }.min() ?? .infinity
            let droppedMax = m.mask.indices.filter { m.mask[$0] == 0 }.map { scores[$0] }.max() ?? -.infinity
            #expect(keptMin >= droppedMax)
        }
    }

    @Test("magnitude ranks |W| and ignores scores")
    func magnitude() {
        let m = TestMatrix(weights: [0.1, -0.9, 0.3, -0.2, 0.8, 0.05], scores: [9, 9, 9, 9, 9, 9], rows: 2, cols: 3)
        m.fill(MagnitudePruning(), threshold: 0.5)
        #expect(m.kept == [1, 2, 4])
        m.fill(MagnitudePruning(), threshold: 0.34)  // int(2.04) = 2
        #expect(m.kept == [1, 4])
        #expect(MagnitudePruning().initialScore == nil)
    }

    @Test("soft movement keeps sigmoid(S) > tau, strictly")
    func softThreshold() {
        // sigmoid(0) = 0.5 exactly: not above tau = 0.5.
        let m = TestMatrix(scores: [0, 0.01, -0.01, 3, -3, 0.5], rows: 1, cols: 6)
        m.fill(SoftMovementPruning(), threshold: 0.5)
        #expect(m.kept == [1, 3, 5])
        m.fill(SoftMovementPruning(), threshold: 0)  // initial threshold of the schedule: everything
        #expect(m.kept.count == 6)
        m.fill(SoftMovementPruning(), threshold: 0.9)  // sigmoid(3) = 0.953
        #expect(m.kept == [3])
    }

    @Test("soft movement always keeps int(0.005·n) + 1 weights of a matrix, the highest scores")
    func softFloor() {
        let n = 1000
        var scores = (0..<n).map { Float(-20 + Double($0) * 0.001) }  // all sigmoid < 0.01
        scores.swapAt(10, 999); scores.swapAt(20, 998)
        let m = TestMatrix(scores: scores, rows: 10, cols: 100)
        m.fill(SoftMovementPruning(), threshold: 0.5)
        #expect(SoftMovementPruning.minimumKept(n) == 6)
        #expect(m.kept == [10, 20, 994, 995, 996, 997])
        // Above the floor, the floor is not applied.
        m.scores[0] = 5; m.scores[1] = 5; m.scores[2] = 5; m.scores[3] = 5; m.scores[4] = 5; m.scores[5] = 5; m.scores[6] = 5
        m.fill(SoftMovementPruning(), threshold: 0.5)
        #expect(m.kept == [0, 1, 2, 3, 4, 5, 6])
    }

    @Test("L0 evaluation mask is clamp(sigmoid(S)·1.2 − 0.1, 0, 1)")
    func l0Evaluation() {
        let s: [Float] = [2.197, 0, -2.3979, -3, 10, -10, 0.5]
        let m = TestMatrix(scores: s, rows: 1, cols: 7)
        m.fill(L0Pruning(), threshold: 1, mode: .evaluation)
        for (i, x) in s.enumerated() {
            let ref = min(max(1 / (1 + exp(-Double(x))) * 1.2 - 0.1, 0), 1)
            #expect(abs(Double(m.mask[i]) - ref) < 1e-6, "S=\(x): \(m.mask[i]) vs \(ref)")
        }
        #expect(abs(m.mask[0] - 0.98) < 1e-4)  // the initial score: sigmoid = 0.9
        #expect(m.mask[3] == 0 && m.mask[4] == 1)
        #expect(L0Pruning().initialScore == 2.197 && L0Pruning().defaultScoreLearningRate == 0.1)
    }

    @Test("L0 training masks: hard-concrete samples in [0,1], seeded, with P(M > 0) = sigmoid(S − β·log(−l/r))")
    func l0Training() {
        let n = 40_000
        for s0: Float in [0, 2.197, -1.5] {
            let m = TestMatrix(scores: [Float](repeating: s0, count: n), rows: 200, cols: 200)
            m.fill(L0Pruning(), threshold: 1, mode: .training(step: 3), seed: 7)
            #expect(m.mask.allSatisfy { $0 >= 0 && $0 <= 1 })
            let open = Double(m.mask.filter { $0 > 0 }.count) / Double(n)
            let expected = 1 / (1 + exp(-(Double(s0) - 2.0 / 3.0 * log(0.1 / 1.1))))
            #expect(abs(open - expected) < 0.01, "S=\(s0): P(M>0) \(open) vs \(expected)")
            // Both ends of the stretch are hit, and the gradient is 0 exactly where the clamp bites.
            #expect(m.mask.contains(1) && m.mask.contains(0))
            let clamped = (0..<n).filter { m.mask[$0] == 0 || m.mask[$0] == 1 }
            // (torch.clamp lets the gradient through at exactly 0 or 1, which rounding hits a few times.)
            #expect(clamped.filter { m.maskGrad[$0] != 0 }.count * 1000 < clamped.count)
            #expect((0..<n).filter { m.mask[$0] > 0 && m.mask[$0] < 1 }.allSatisfy { m.maskGrad[$0] > 0 })
            let first = m.mask
            m.fill(L0Pruning(), threshold: 1, mode: .training(step: 3), seed: 7)
            #expect(m.mask == first)
            m.fill(L0Pruning(), threshold: 1, mode: .training(step: 4), seed: 7)
            #expect(m.mask != first)
        }
    }

    @Test("global top-k ranks every matrix together, exact count, with the 0.5% floor per matrix")
    func globalTopK() throws {
        Compute.configure(threads: 1)
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 1)
        // Make layer 1's matrices 10x larger so a global cut takes (almost) only them.
        for m in model.prunableMatrices where m.name.hasPrefix("encoder.layer.1.") {
            for i in 0..<(m.rows * m.cols) { model.parameters.base[m.offset + i] *= 10 }
        }
        var o = PruningOptions(); o.globalTopK = true
        let s = try PruningSchedule(method: MagnitudePruning(), model: model,
                                    schedule: CubicSchedule(initialThreshold: 0.3, finalThreshold: 0.3, warmupSteps: 0, totalSteps: 10),
                                    options: o)
        s.prepareEvaluation(model: model)
        let r = s.report()
        #expect(r.remainingMatrixWeights == Int(0.3 * 1024) || r.remainingMatrixWeights > Int(0.3 * 1024))
        let layer0 = r.matrices.filter { $0.name.hasPrefix("encoder.layer.0.") }
        // Layer 0 keeps only its floor (int(0.005·n)+1 = 1 per matrix).
        #expect(layer0.allSatisfy { $0.remaining == 1 })
        #expect(r.remainingMatrixWeights == Int(0.3 * 1024) + layer0.count)
        // Per-matrix (default) keeps int(0.3·n) in each.
        let p = try PruningSchedule(method: MagnitudePruning(), model: model,
                                    schedule: CubicSchedule(initialThreshold: 0.3, finalThreshold: 0.3, warmupSteps: 0, totalSteps: 10))
        #expect(p.report().matrices.allSatisfy { $0.remaining == Int(0.3 * Double($0.total)) })
        // Training reuses its cut between recomputations (every 25 steps); evaluation (here at the final
        // threshold) cuts afresh without disturbing it.
        var t = o; t.evaluationThreshold = .final
        let cubic = try PruningSchedule(method: MagnitudePruning(), model: model,
                                        schedule: CubicSchedule(finalThreshold: 0.1, warmupSteps: 1, totalSteps: 10), options: t)
        cubic.prepareStep(3, total: 10, model: model)
        let atStep3 = cubic.masks.array
        let k3 = Int(cubic.threshold * 1024), kept3 = Int(atStep3.reduce(0, +))
        #expect(kept3 >= k3 && kept3 <= k3 + 6)  // plus the floor of layer-0 matrices the cut missed
        cubic.prepareEvaluation(model: model)
        #expect(cubic.report().remainingMatrixWeights == Int(0.1 * 1024) + 6)
        cubic.prepareStep(4, total: 10, model: model)
        #expect(cubic.masks.array == atStep3)
        #expect(throws: SettingError.self) {
            try PruningSchedule(method: SoftMovementPruning(), model: model,
                                schedule: CubicSchedule(initialThreshold: 0, finalThreshold: 0, warmupSteps: 0, totalSteps: 10), options: o)
        }
    }
}
