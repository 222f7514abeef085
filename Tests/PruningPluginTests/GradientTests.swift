import BermoTestSupport
import BermoRuntime
import Foundation
@testable import PruningPlugin
import Testing

/// Straight-through and penalty gradients, by hand on tiny matrices and through the schedule on a tiny model.
@Suite("Pruning gradients")
struct GradientTests {
    @Test("movement: dL/dS = dL/dW' ⊙ W (straight-through), by hand")
    func movementByHand() {
        let m = TestMatrix(weights: [2, -1, 0.5, 3], scores: [0.1, 0.9, -0.2, 0.4], rows: 2, cols: 2)
        m.fill(MovementPruning(), threshold: 0.5)
        #expect(m.mask == [0, 1, 0, 1])
        let dW: [Float] = [1, 2, -3, 0.5]
        var dS = [Float](repeating: 0, count: 4)
        m.withView { MovementPruning().scoreGradient($0, dEffective: dW, into: dS.ptr) }
        #expect(dS == [2, -2, -1.5, 1.5])  // pruned entries get a gradient too: that is how they come back
    }

    @Test("soft movement penalty: Σ sigmoid(S) and its gradient σ(1−σ), by hand")
    func softPenaltyByHand() {
        let m = TestMatrix(scores: [0, Float(log(3.0))], rows: 1, cols: 2)
        var d: [Float] = [1, 1]
        let sum = m.withView { SoftMovementPruning().penaltySum($0, gradientScale: 2, into: d.ptr) }
        #expect(abs(sum - 1.25) < 1e-6)
        #expect(abs(d[0] - 1.5) < 1e-6 && abs(d[1] - 1.375) < 1e-6)
    }

    @Test("penalty gradients match finite differences (soft movement, L0)")
    func penaltyFiniteDifferences() {
        var rng = SeededRandom(seed: 5)
        let s = (0..<12).map { _ in 2 * rng.nextNormal() }
        for method in [SoftMovementPruning() as any PruningMethod, L0Pruning()] {
            let m = TestMatrix(scores: s, rows: 3, cols: 4)
            var d = [Float](repeating: 0, count: 12)
            _ = m.withView { method.penaltySum($0, gradientScale: 1, into: d.ptr) }
            for i in 0..<12 {
                let h: Float = 1e-2
                m.scores[i] = s[i] + h
                let up = m.withView { method.penaltySum($0, gradientScale: 0, into: nil) }
                m.scores[i] = s[i] - h
                let down = m.withView { method.penaltySum($0, gradientScale: 0, into: nil) }
                m.scores[i] = s[i]
                #expect(abs((up - down) / Double(2 * h) - Double(d[i])) < 1e-3, "\(method.name)[\(i)]")
            }
        }
        // L0's expected-L0 shift: beta·log(−l/r) = (2/3)·log(0.1/1.1).
        #expect(abs(Double(L0Pruning.penaltyShift) - 2.0 / 3.0 * log(0.1 / 1.1)) < 1e-6)
    }

    /// Forward + loss + backward of the tiny model on the fixed batch (inference mode, no dropout).
    static func lossAndGradients(_ model: BertModel, grads: ParameterBuffer? = nil) -> Double {
        let acts = Activations(), head = HeadActivations()
        var r = SeededRandom(seed: 0)
        model.forwardEncoder(Tiny.batch, acts)
        model.forwardHead(Tiny.batch, acts, head, dropout: nil, rng: &r)
        var d = [Float](repeating: 0, count: 8)
        let loss = model.loss(head, Tiny.targets, dlogits: d.ptr)
        if let grads {
            grads.zero()
            model.backward(Tiny.batch, acts, head, dlogits: d.ptr, grads: grads, scratch: GradientScratch())
        }
        return Double(loss)
    }

    @Test("through the schedule: ∂L/∂W = ∂L/∂W' ⊙ M and ∂L/∂S = ∂L/∂W' ⊙ W for every matrix", arguments: ["movement", "magnitude", "soft_movement"])
    func scheduleStraightThrough(_ name: String) throws {
        Compute.configure(threads: 1)
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 2)
        let method: any PruningMethod = switch name {
        case "movement": MovementPruning(initialScore: 0)
        case "magnitude": MagnitudePruning()
        default: SoftMovementPruning()
        }
        var o = PruningOptions(); o.maxGradNorm = nil; o.scoreLearningRate = 0
        let v = name == "soft_movement" ? 0.4 : 0.5
        let s = try PruningSchedule(method: method, model: model,
                                    schedule: CubicSchedule(initialThreshold: v, finalThreshold: v, warmupSteps: 0, totalSteps: 4), options: o)
        if let scores = s.scores {  // distinct scores so masks are non-trivial
            var rng = SeededRandom(seed: 8)
            for i in 0..<s.maskedCount { scores.base[i] = rng.nextNormal() }
        }
        s.prepareStep(0, total: 4, model: model)
        let grads = ParameterBuffer(count: model.layout.total)
        _ = Self.lossAndGradients(model, grads: grads)
        let dEffective = grads.array
        let penalty = s.afterBackward(0, total: 4, model: model, gradients: grads)
        #expect(penalty == 0)
        var maskedSomething = false
        for (i, m) in s.matrices.enumerated() {
            let mask = s.masks.base + m.start, w = model.parameters[m.parameterOffset]
            for j in 0..<m.count {
                let gp = dEffective[m.parameterOffset + j]
                #expect(grads.base[m.parameterOffset + j] == gp * mask[j], "\(m.name)[\(j)]")
                if let sg = s.scoreGrads { #expect(sg.base[m.start + j] == gp * w[j]) }
                if mask[j] == 0 && gp != 0 { maskedSomething = true }
            }
            _ = i
        }
        #expect(maskedSomething)
        // Everything outside the masked matrices is untouched (biases, LayerNorm, head).
        for t in model.layout.tensors where !s.matrices.contains(where: { $0.parameterOffset == t.offset }) {
            for j in 0..<t.count { #expect(grads.base[t.offset + j] == dEffective[t.offset + j]) }
        }
    }

    @Test("L0 through the schedule: ∂L/∂S matches finite differences of the loss at fixed noise")
    func l0FiniteDifferences() throws {
        Compute.configure(threads: 1)
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 2)
        var o = PruningOptions(); o.maxGradNorm = nil; o.scoreLearningRate = 0; o.seed = 11
        let s = try PruningSchedule(method: L0Pruning(initialScore: 0.5), model: model,
                                    schedule: CubicSchedule(initialThreshold: 1, finalThreshold: 1, warmupSteps: 0, totalSteps: 4), options: o)
        s.prepareStep(2, total: 4, model: model)
        let grads = ParameterBuffer(count: model.layout.total)
        _ = Self.lossAndGradients(model, grads: grads)
        _ = s.afterBackward(2, total: 4, model: model, gradients: grads)
        let analytic = s.scoreGrads!.array
        let scores = s.scores!.base
        // Entries inside the clamp (differentiable) of the layer-0 intermediate matrix and query.
        var checked = 0
        for m in [s.matrices[4], s.matrices[0]] {
            for j in stride(from: 0, to: m.count, by: 7) where s.maskGrads!.base[m.start + j] > 0 {
                let i = m.start + j, h: Float = 1e-2, saved = scores[i]
                scores[i] = saved + h; s.prepareStep(2, total: 4, model: model); let up = Self.lossAndGradients(model)
                scores[i] = saved - h; s.prepareStep(2, total: 4, model: model); let down = Self.lossAndGradients(model)
                scores[i] = saved
                let numeric = (up - down) / Double(2 * h)
                #expect(abs(numeric - Double(analytic[i])) < 1e-4 + 2e-2 * abs(numeric), "\(m.name)[\(j)]: \(analytic[i]) vs \(numeric)")
                checked += 1
            }
        }
        #expect(checked > 10)
    }

    @Test("penalty and lambda reach the loss: soft movement at S = 0 has R = mean sigmoid = 0.5")
    func penaltyValue() throws {
        Compute.configure(threads: 1)
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 2)
        var o = PruningOptions(); o.maxGradNorm = nil; o.scoreLearningRate = 0
        let s = try PruningSchedule(method: SoftMovementPruning(), model: model,
                                    schedule: CubicSchedule(initialThreshold: 0.1, finalThreshold: 0.1, warmupSteps: 0, totalSteps: 4,
                                                            finalLambda: 400), options: o)
        s.prepareStep(0, total: 4, model: model)
        let grads = ParameterBuffer(count: model.layout.total)
        _ = Self.lossAndGradients(model, grads: grads)
        let dEffective = grads.array
        let penalty = s.afterBackward(0, total: 4, model: model, gradients: grads)
        #expect(abs(penalty - 200) < 1e-3)
        #expect(abs(s.lastPenalty - 0.5) < 1e-6)
        // dS = dW'⊙W + lambda/(K·n)·σ(1−σ), with σ = 0.5.
        let K = Float(s.matrices.count)
        for m in s.matrices {
            let w = model.parameters[m.parameterOffset]
            for j in 0..<m.count {
                let expected = dEffective[m.parameterOffset + j] * w[j] + 400 / (K * Float(m.count)) * 0.25
                #expect(abs(s.scoreGrads!.base[m.start + j] - expected) < 1e-5 * max(1, abs(expected)))
            }
        }
    }

    @Test("joint clipping scales model and score gradients by one norm, as clip_grad_norm_(model.parameters())")
    func jointClipping() throws {
        Compute.configure(threads: 1)
        let model = try BertModel(config: .tiny, numLabels: 2, seed: 2)
        var o = PruningOptions(); o.maxGradNorm = 1e-5; o.scoreLearningRate = 0
        let s = try PruningSchedule(method: MovementPruning(), model: model,
                                    schedule: CubicSchedule(initialThreshold: 0.5, finalThreshold: 0.5, warmupSteps: 0, totalSteps: 4), options: o)
        s.prepareStep(0, total: 4, model: model)
        let grads = ParameterBuffer(count: model.layout.total)
        _ = Self.lossAndGradients(model, grads: grads)
        _ = s.afterBackward(0, total: 4, model: model, gradients: grads)
        let norm = (Reductions.blockedSumOfSquares(grads.base, count: grads.count) + Reductions.blockedSumOfSquares(s.scoreGrads!.base, count: s.maskedCount)).squareRoot()
        #expect(s.lastGradNorm > 1e-4)
        #expect(abs(norm - 1e-5 * s.lastGradNorm / (s.lastGradNorm + 1e-6)) < 1e-10)
    }
}
