import BermoRuntime
import Foundation
import SentEvalKernels

/// What a probe reads.
public enum ProbeInput: Sendable, Hashable, Codable {
    /// One stored layer (an index into the layers axis of the features, not the hidden-state number).
    case layer(Int)
    /// BERMo: the scalar mix of all stored layers, learned jointly with the probe.
    case mix
}

/// One split's rows of a `[sentences, layers, dim]` feature table with their label ids (−1: unseen in
/// training, never predictable). The values array is shared, not copied, between splits and probes.
public struct ProbeSplit: Sendable {
    public let values: [Float]
    public let layerCount: Int
    public let dim: Int
    public let rows: [Int]
    public let labels: [Int]

    public init(features: LayerFeatures, rows: [Int], labels: [Int]) throws {
        try self.init(values: features.values, layerCount: features.layers.count, dim: features.dim,
                      rows: rows, labels: labels)
    }

    public init(values: [Float], layerCount: Int, dim: Int, rows: [Int], labels: [Int]) throws {
        guard rows.count == labels.count else {
            throw RuntimeError("ProbeSplit: \(rows.count) rows but \(labels.count) labels; pass one label per row")
        }
        let sentences = layerCount * dim == 0 ? 0 : values.count / (layerCount * dim)
        if let bad = rows.first(where: { $0 < 0 || $0 >= sentences }) {
            throw RuntimeError("ProbeSplit: row \(bad) is outside the feature table's \(sentences) sentences")
        }
        self.values = values; self.layerCount = layerCount; self.dim = dim; self.rows = rows; self.labels = labels
    }

    public var count: Int { rows.count }
}

/// One fit at one L2 value: the model kept is the one with the best dev accuracy (SentEval's `bestmodel`).
public struct L2Trial: Sendable, Codable, Equatable {
    public let l2: Float
    /// Accuracies (fractions of the whole split) of the kept model.
    public let devAccuracy: Double
    public let testAccuracy: Double
    /// Passes over the training set done, dev checks done, and the pass count at the kept model.
    public let passes: Int
    public let checks: Int
    public let bestPass: Int
    /// BERMo only: softmax of the learned mix logits and γ of the kept model.
    public let mixWeights: [Float]?
    public let gamma: Float?
}

/// A probe after SentEval's L2 selection on dev.
public struct ProbeFit: Sendable, Codable, Equatable {
    public let seed: UInt64
    public let chosen: L2Trial
    /// Every grid value's trial, in grid order.
    public let trials: [L2Trial]
    public var l2: Float { chosen.l2 }
    public var devAccuracy: Double { chosen.devAccuracy }
    public var testAccuracy: Double { chosen.testAccuracy }

    public init(seed: UInt64, trials: [L2Trial]) {
        self.seed = seed; self.trials = trials
        chosen = trials[L2Selection.bestIndex(devAccuracies: trials.map(\.devAccuracy))]
    }
}

/// SentEval's training loop (`PyTorchClassifier.fit` / `trainepoch`) for one probe.
public enum ProbeTrainer {
    /// Rows scored per forward pass when evaluating (any size gives the same accuracy).
    static let evaluationRows = 256

    /// Fits one probe at one L2 value: fresh generator from `seed` (SentEval re-seeds per classifier, so
    /// every grid value sees the same initialisation and shuffles), then repeated "epochs" of
    /// `epochSize` shuffled passes in batches of `batchSize` (last batch smaller), a dev check after each,
    /// until the stopping rule fires or more than `maxEpoch` passes are done; the best-dev model is
    /// scored on `test`.
    public static func fit(input: ProbeInput, train: ProbeSplit, dev: ProbeSplit, test: ProbeSplit, classes: Int,
                           config: ProbeConfig, l2: Float, seed: UInt64) throws -> L2Trial {
        try config.validate()
        guard classes >= 1 else { throw RuntimeError("ProbeTrainer: no classes; the training split has no labels") }
        guard train.count > 0, dev.count > 0 else {
            throw RuntimeError("ProbeTrainer: the \(train.count == 0 ? "train" : "dev") split is empty; probing needs train and dev lines")
        }
        if let bad = train.labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw RuntimeError("ProbeTrainer: training label id \(bad) is outside 0..<\(classes)")
        }
        if case .layer(let k) = input, !(0..<train.layerCount).contains(k) {
            throw RuntimeError("ProbeTrainer: layer index \(k) outside the features' \(train.layerCount) layers")
        }
        let mixInputs: Int
        if case .mix = input { mixInputs = train.layerCount } else { mixInputs = 0 }
        let maxRows = max(config.batchSize, evaluationRows)
        let net = ProbeNetwork(inDim: train.dim, hidden: config.hiddenUnits, classes: classes, mixInputs: mixInputs,
                               maxRows: maxRows, dropout: config.dropout)
        let gather = Gatherer(input: input, layerCount: train.layerCount, dim: train.dim, maxRows: maxRows)
        var rng = SeededRandom(seed: seed)
        net.initialize(rng: &rng)

        var stopper = EarlyStopping(rule: config.stopping, tenacity: config.tenacity)
        var best = net.snapshot
        var passes = 0, checks = 0, bestPass = 0
        var order = Array(0..<train.count)
        var batchLabels = [Int](repeating: 0, count: config.batchSize)
        try withUnsafeMutablePointer(to: &rng) { rngPointer in
            while !stopper.shouldStop && passes <= config.maxEpoch {
                for _ in 0..<config.epochSize {
                    shuffle(&order, rng: &rngPointer.pointee)
                    for start in stride(from: 0, to: order.count, by: config.batchSize) {
                        let end = min(start + config.batchSize, order.count)
                        for (i, o) in order[start..<end].enumerated() { batchLabels[i] = train.labels[o] }
                        let inputs = gather.load(train, positions: order[start..<end])
                        let loss = batchLabels.withUnsafeBufferPointer {
                            net.forward(inputs: inputs, rows: end - start, labels: $0.baseAddress!,
                                        meanLoss: config.lossReduction == .mean, computeGradients: true, dropoutRng: rngPointer)
                        }
                        guard loss.isFinite else {
                            throw RuntimeError("probe training diverged (loss \(loss)) at pass \(passes + 1) with l2 \(l2); "
                                + "standardise the features (standardize: true) or lower the learning rate")
                        }
                        net.adamStep(learningRate: config.learningRate, l2: l2, beta1: config.beta1,
                                     beta2: config.beta2, epsilon: config.epsilon)
                    }
                }
                passes += config.epochSize
                checks += 1
                if stopper.record(accuracy(net, gather, dev)) {
                    best = net.snapshot; bestPass = passes
                }
            }
        }
        net.restore(best)
        let mix = net.mix
        return L2Trial(l2: l2, devAccuracy: stopper.best, testAccuracy: test.count == 0 ? 0 : accuracy(net, gather, test),
                       passes: passes, checks: checks, bestPass: bestPass,
                       mixWeights: mix?.weights, gamma: mix?.gamma)
    }

    /// Every value of the grid, then SentEval's choice on dev. (The runner parallelises the grid instead.)
    public static func fitGrid(input: ProbeInput, train: ProbeSplit, dev: ProbeSplit, test: ProbeSplit, classes: Int,
                               config: ProbeConfig, seed: UInt64) throws -> ProbeFit {
        ProbeFit(seed: seed, trials: try config.l2Grid.map {
            try fit(input: input, train: train, dev: dev, test: test, classes: classes, config: config, l2: $0, seed: seed)
        })
    }

    /// Fisher–Yates, spelled out so the order depends only on the generator (not on the standard library).
    static func shuffle(_ a: inout [Int], rng: inout SeededRandom) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            a.swapAt(i, j)
        }
    }

    /// Fraction of `split` predicted right (rows with label −1 always count as wrong).
    static func accuracy(_ net: ProbeNetwork, _ gather: Gatherer, _ split: ProbeSplit) -> Double {
        var correct = 0
        var predicted = [Int](repeating: 0, count: gather.maxRows)
        let positions = Array(0..<split.count)
        for start in stride(from: 0, to: split.count, by: gather.maxRows) {
            let end = min(start + gather.maxRows, split.count)
            let inputs = gather.load(split, positions: positions[start..<end])
            net.forward(inputs: inputs, rows: end - start, labels: nil, meanLoss: true, computeGradients: false,
                        dropoutRng: nil)
            predicted.withUnsafeMutableBufferPointer { net.predictions(rows: end - start, into: $0.baseAddress!) }
            for i in 0..<(end - start) where predicted[i] == split.labels[start + i] { correct += 1 }
        }
        return split.count == 0 ? 0 : Double(correct) / Double(split.count)
    }
}

/// Copies a batch's rows out of the feature table into contiguous `[rows, dim]` buffers: one for a single
/// layer, one per layer for the mix.
final class Gatherer {
    let input: ProbeInput
    let layerCount: Int, dim: Int, maxRows: Int
    private let buffers: [UnsafeMutablePointer<Float>]

    init(input: ProbeInput, layerCount: Int, dim: Int, maxRows: Int) {
        self.input = input; self.layerCount = layerCount; self.dim = dim; self.maxRows = maxRows
        let n: Int
        if case .mix = input { n = layerCount } else { n = 1 }
        buffers = (0..<n).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: maxRows * dim) }
    }

    deinit { buffers.forEach { $0.deallocate() } }

    /// `positions` index `split.rows`; returns the input pointers for `ProbeNetwork.forward`.
    func load(_ split: ProbeSplit, positions: ArraySlice<Int>) -> [UnsafePointer<Float>] {
        let L = layerCount, d = dim
        split.values.withUnsafeBufferPointer { table in
            let base = table.baseAddress!
            for (r, p) in positions.enumerated() {
                let sentence = split.rows[p]
                switch input {
                case .layer(let k):
                    (buffers[0] + r * d).update(from: base + (sentence * L + k) * d, count: d)
                case .mix:
                    for j in 0..<L { (buffers[j] + r * d).update(from: base + (sentence * L + j) * d, count: d) }
                }
            }
        }
        return buffers.map { UnsafePointer($0) }
    }
}
