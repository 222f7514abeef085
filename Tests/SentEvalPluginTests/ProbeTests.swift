import BermoTestSupport
import BermoRuntime
import Foundation
@testable import SentEvalKernels
@testable import SentEvalPlugin
import Testing

/// Synthetic feature tables: `[n, layers, dim]` with labels, split into train/dev/test.
struct Synthetic {
    var values: [Float] = []
    var labels: [Int] = []
    let layers: Int, dim: Int

    /// Gaussian blobs: class c has mean `separation · e_c` in `signalLayer` (all other layers pure noise).
    static func blobs(n: Int, classes: Int, layers: Int = 1, dim: Int = 16, signalLayer: Int = 0,
                      separation: Float = 4, randomLabels: Bool = false, seed: UInt64 = 7) -> Synthetic {
        var rng = SeededRandom(seed: seed)
        var s = Synthetic(layers: layers, dim: dim)
        for i in 0..<n {
            let c = i % classes
            for l in 0..<layers {
                for k in 0..<dim {
                    var x = rng.nextNormal()
                    if l == signalLayer && k == c { x += separation }
                    s.values.append(x)
                }
            }
            s.labels.append(randomLabels ? Int(rng.next() % UInt64(classes)) : c)
        }
        return s
    }

    /// Rows [0, a) train, [a, b) dev, [b, n) test.
    func splits(_ a: Int, _ b: Int) throws -> (ProbeSplit, ProbeSplit, ProbeSplit) {
        func make(_ r: Range<Int>) throws -> ProbeSplit {
            try ProbeSplit(values: values, layerCount: layers, dim: dim, rows: Array(r), labels: r.map { labels[$0] })
        }
        return (try make(0..<a), try make(a..<b), try make(b..<labels.count))
    }
}

@Suite struct ProbeTrainingTests {
    @Test func logisticRegressionSeparatesSeparableData() throws {
        let data = Synthetic.blobs(n: 900, classes: 3, separation: 6)
        let (train, dev, test) = try data.splits(600, 750)
        let fit = try ProbeTrainer.fitGrid(input: .layer(0), train: train, dev: dev, test: test, classes: 3,
                                           config: ProbeConfig(), seed: 1111)
        #expect(fit.devAccuracy > 0.98)
        #expect(fit.testAccuracy > 0.98)
        #expect(fit.trials.count == 4)
        #expect(fit.chosen.passes % 4 == 0 && fit.chosen.bestPass <= fit.chosen.passes)
    }

    @Test func randomLabelsStayNearChance() throws {
        let data = Synthetic.blobs(n: 1400, classes: 2, randomLabels: true)
        let (train, dev, test) = try data.splits(600, 800)
        let fit = try ProbeTrainer.fitGrid(input: .layer(0), train: train, dev: dev, test: test, classes: 2,
                                           config: ProbeConfig(), seed: 1111)
        // 600 test rows: chance is 0.5 with a standard deviation of about 0.02.
        #expect(abs(fit.testAccuracy - 0.5) < 0.08, "test accuracy \(fit.testAccuracy)")
    }

    /// XOR of two coordinates: no linear probe can do better than chance, an MLP can.
    @Test func mlpLearnsWhatLogisticRegressionCannot() throws {
        var rng = SeededRandom(seed: 3)
        var s = Synthetic(layers: 1, dim: 4)
        for _ in 0..<1600 {
            let a: Float = rng.nextUniform() < 0.5 ? -1 : 1, b: Float = rng.nextUniform() < 0.5 ? -1 : 1
            s.values += [2 * a + 0.3 * rng.nextNormal(), 2 * b + 0.3 * rng.nextNormal(), rng.nextNormal(), rng.nextNormal()]
            s.labels.append(a * b > 0 ? 1 : 0)
        }
        let (train, dev, test) = try s.splits(1000, 1300)
        var config = ProbeConfig()
        config.l2Grid = [1e-5]
        let linear = try ProbeTrainer.fitGrid(input: .layer(0), train: train, dev: dev, test: test, classes: 2,
                                              config: config, seed: 1)
        config.hiddenUnits = 16
        config.dropout = 0.1
        let mlp = try ProbeTrainer.fitGrid(input: .layer(0), train: train, dev: dev, test: test, classes: 2,
                                           config: config, seed: 1)
        #expect(linear.testAccuracy < 0.62, "linear \(linear.testAccuracy)")
        #expect(mlp.testAccuracy > 0.9, "mlp \(mlp.testAccuracy)")
    }

    @Test func sameSeedSameResultDifferentSeedDifferentRun() throws {
        let data = Synthetic.blobs(n: 600, classes: 2, separation: 1)
        let (train, dev, test) = try data.splits(400, 500)
        var config = ProbeConfig()
        config.l2Grid = [1e-4]
        let a = try ProbeTrainer.fitGrid(input: .layer(0), train: train, dev: dev, test: test, classes: 2, config: config, seed: 5)
        let b = try ProbeTrainer.fitGrid(input: .layer(0), train: train, dev: dev, test: test, classes: 2, config: config, seed: 5)
        #expect(a == b)
    }

    @Test func unseenLabelsCountAsWrong() throws {
        let data = Synthetic.blobs(n: 900, classes: 2, separation: 8)
        var (train, dev, test) = try data.splits(600, 750)
        // Mark half the test rows as carrying a label unseen in training.
        let labels = test.labels.enumerated().map { $0.offset % 2 == 0 ? -1 : $0.element }
        test = try ProbeSplit(values: test.values, layerCount: 1, dim: test.dim, rows: test.rows, labels: labels)
        let fit = try ProbeTrainer.fitGrid(input: .layer(0), train: train, dev: dev, test: test, classes: 2,
                                           config: ProbeConfig(), seed: 1)
        #expect(fit.testAccuracy <= 0.5 && fit.testAccuracy > 0.48)
    }
}

@Suite struct EarlyStoppingTests {
    /// SentEval: the counter never resets, so the 6th non-improving check in total stops (tenacity 5).
    @Test func sentEvalCounterNeverResets() {
        var s = EarlyStopping(rule: .sentEval, tenacity: 5)
        let devs: [Double] = [0.50, 0.60, 0.55, 0.70, 0.60, 0.80, 0.60, 0.60, 0.90, 0.60, 0.60, 0.60]
        var stoppedAt: Int?
        for (i, a) in devs.enumerated() {
            s.record(a)
            if s.shouldStop { stoppedAt = i + 1; break }
        }
        // Non-improving checks: 3, 5, 7, 8, 10, 11 → the 6th (check 11) stops despite improvements between.
        #expect(stoppedAt == 11)
        #expect(s.best == 0.90)
    }

    @Test func patienceCounterResetsOnImprovement() {
        var s = EarlyStopping(rule: .patience, tenacity: 5)
        let devs: [Double] = [0.50, 0.60, 0.55, 0.70, 0.60, 0.80, 0.60, 0.60, 0.90, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.6]
        var stoppedAt: Int?
        for (i, a) in devs.enumerated() {
            s.record(a)
            if s.shouldStop { stoppedAt = i + 1; break }
        }
        // After the last improvement (check 9), six consecutive non-improving checks: 10...15.
        #expect(stoppedAt == 15)
    }

    @Test func equalAccuracyIsNotAnImprovementAndFirstBestIsKept() {
        var s = EarlyStopping(rule: .sentEval, tenacity: 0)
        #expect(s.record(0.7) == true)
        #expect(s.record(0.7) == false)
        #expect(s.shouldStop)   // tenacity 0: the first non-improving check stops
    }

    /// The loop's pass accounting: checks every epoch_size passes while passes ≤ max_epoch.
    @Test func maxEpochCountsPassesAsSentEvalDoes() throws {
        let data = Synthetic.blobs(n: 300, classes: 2, separation: 0.5)
        let (train, dev, test) = try data.splits(200, 250)
        var config = ProbeConfig()
        config.maxEpoch = 10
        config.tenacity = 1000
        let trial = try ProbeTrainer.fit(input: .layer(0), train: train, dev: dev, test: test, classes: 2,
                                         config: config, l2: 1e-5, seed: 1)
        // passes 0, 4, 8 ≤ 10 start an epoch: 3 checks, 12 passes.
        #expect(trial.checks == 3 && trial.passes == 12)
    }
}

@Suite struct L2SelectionTests {
    @Test func picksTheBestRoundedDevScoreFirstOnTies() {
        #expect(L2Selection.bestIndex(devAccuracies: [0.70, 0.72, 0.71, 0.60]) == 1)
        // 0.72001 and 0.72004 both round to 72.00 %: the earlier (smaller L2) wins, as np.argmax.
        #expect(L2Selection.bestIndex(devAccuracies: [0.70, 0.72001, 0.72004, 0.60]) == 1)
        #expect(L2Selection.bestIndex(devAccuracies: [0.5, 0.5, 0.5, 0.5]) == 0)
    }

    @Test func probeFitReportsTheTrialChosenOnDevNotTest() {
        func trial(_ l2: Float, _ dev: Double, _ test: Double) -> L2Trial {
            L2Trial(l2: l2, devAccuracy: dev, testAccuracy: test, passes: 8, checks: 2, bestPass: 4, mixWeights: nil, gamma: nil)
        }
        let fit = ProbeFit(seed: 1, trials: [trial(1e-5, 0.6, 0.9), trial(1e-4, 0.7, 0.5), trial(1e-3, 0.65, 0.95)])
        #expect(fit.l2 == 1e-4 && fit.testAccuracy == 0.5)
    }
}

@Suite struct MixGradientTests {
    /// Central differences of the probe loss against the analytic gradient, for the mix logits, γ and
    /// probe weights, through logistic regression and the MLP.
    @Test(arguments: [0, 5])
    func mixGradientMatchesFiniteDifferences(hidden: Int) throws {
        let B = 6, d = 5, J = 4, C = 3
        var rng = SeededRandom(seed: 11)
        let net = ProbeNetwork(inDim: d, hidden: hidden, classes: C, mixInputs: J, maxRows: B, dropout: 0)
        net.initialize(rng: &rng)
        for j in 0..<J { net.parameters[net.mixW + j] = 0.5 * rng.nextNormal() }
        net.parameters[net.gamma] = 1.3
        let layers = (0..<J).map { _ in (0..<(B * d)).map { _ in rng.nextNormal() } }
        let labels = (0..<B).map { $0 % C }
        let pointers = layers.map { a -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: a.count)
            p.initialize(from: a, count: a.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        let inputs = pointers.map { UnsafePointer($0) }
        func loss() -> Double {
            labels.withUnsafeBufferPointer {
                net.forward(inputs: inputs, rows: B, labels: $0.baseAddress!, meanLoss: true, computeGradients: false,
                            dropoutRng: nil)
            }
        }
        _ = labels.withUnsafeBufferPointer {
            net.forward(inputs: inputs, rows: B, labels: $0.baseAddress!, meanLoss: true, computeGradients: true,
                        dropoutRng: nil)
        }
        let analytic = Array(UnsafeBufferPointer(start: net.gradients, count: net.count))
        var indices = Array(net.mixW..<(net.gamma + 1))
        indices += [0, 3, net.b1, net.decayedCount - 1]
        var failures: [String] = []
        let h: Float = 1e-2
        for i in indices {
            let saved = net.parameters[i]
            net.parameters[i] = saved + h; let up = loss()
            net.parameters[i] = saved - h; let down = loss()
            net.parameters[i] = saved
            let numeric = (up - down) / Double(2 * h)
            if abs(Double(analytic[i]) - numeric) > 1e-3 + 1e-2 * abs(numeric) {
                failures.append("[\(i)] analytic \(analytic[i]) numeric \(numeric)")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "; "))")
        // The mix gradient is not trivially zero.
        #expect(indices.prefix(J + 1).contains { abs(analytic[$0]) > 1e-4 })
    }
}

@Suite struct ProbeRunnerTests {
    /// Only layer 2 of 4 carries the label: the curve peaks there and BERMo's mix moves onto it.
    @Test func perLayerCurveAndMixFindTheInformativeLayer() throws {
        let data = Synthetic.blobs(n: 1200, classes: 2, layers: 4, dim: 8, signalLayer: 2, separation: 1.5)
        var text = ""
        for i in 0..<1200 {
            let tag = i < 800 ? "tr" : (i < 1000 ? "va" : "te")
            text += "\(tag)\t\(data.labels[i] == 0 ? "A" : "B")\tsentence \(i) .\n"
        }
        let dataset = try SentEvalDataset(data: Data(text.utf8), path: "synthetic.txt")
        let features = try LayerFeatures(count: 1200, layers: [0, 1, 2, 3], dim: 8, values: data.values)
        var config = ProbeConfig()
        config.l2Grid = [1e-5, 1e-3]
        config.standardize = true
        let result = try ProbeRunner(config: config, seeds: [1, 2]).run(dataset: dataset, features: features, pooling: .mean)
        #expect(result.layers.map(\.layer) == [0, 1, 2, 3])
        #expect(result.bestLayer == 2)
        #expect(result.layers[2].testAccuracy > 0.7)
        for l in [0, 1, 3] { #expect(result.layers[l].testAccuracy < 0.62, "layer \(l)") }
        #expect(result.bert == result.layers[3])
        let bermo = try #require(result.bermo)
        #expect(bermo.testAccuracy > 0.7)
        let mix = try #require(bermo.mixWeights)
        #expect(mix.count == 4 && abs(mix.reduce(0, +) - 1) < 1e-4)
        #expect(mix.firstIndex(of: mix.max()!) == 2, "mix \(mix)")
        #expect(bermo.gamma != nil)
        #expect(result.standardized && result.pooling == .mean)
        #expect(result.splits.map(\.split) == [.train, .dev, .test])
        #expect(result.fitsAreChosenByDev)
    }

    @Test func resultsDoNotDependOnTheThreadCount() throws {
        let data = Synthetic.blobs(n: 400, classes: 2, layers: 2, dim: 4, signalLayer: 1, separation: 1)
        var text = ""
        for i in 0..<400 { text += "\(i < 250 ? "tr" : (i < 320 ? "va" : "te"))\t\(data.labels[i])\ts .\n" }
        let dataset = try SentEvalDataset(data: Data(text.utf8), path: "synthetic.txt")
        let features = try LayerFeatures(count: 400, layers: [0, 1], dim: 4, values: data.values)
        var config = ProbeConfig()
        config.l2Grid = [1e-5, 1e-2]
        let runner = ProbeRunner(config: config, seeds: [3])
        let before = Compute.threads
        defer { Compute.configure(threads: before) }
        Compute.configure(threads: 1)
        let one = try runner.run(dataset: dataset, features: features, pooling: .cls)
        Compute.configure(threads: 2)
        let two = try runner.run(dataset: dataset, features: features, pooling: .cls)
        #expect(one == two)
    }
}

extension ProbingResult {
    var fitsAreChosenByDev: Bool {
        (layers + [bermo].compactMap { $0 }).allSatisfy { score in
            score.fits.allSatisfy { fit in
                fit.chosen == fit.trials[L2Selection.bestIndex(devAccuracies: fit.trials.map(\.devAccuracy))]
            }
        }
    }
}
