import BermoRuntime
import Foundation
import Synchronization

/// One probe target (a layer, or BERMo's mix) over all seeds.
public struct ProbeScore: Sendable, Codable, Equatable {
    /// The hidden state probed (0 = embeddings); nil for the BERMo mix.
    public let layer: Int?
    /// One fit per seed, in seed order.
    public let fits: [ProbeFit]
    public var devAccuracy: Double { mean(fits.map(\.devAccuracy)) }
    public var testAccuracy: Double { mean(fits.map(\.testAccuracy)) }
    /// Population standard deviation over seeds (0 for one seed).
    public var devStd: Double { std(fits.map(\.devAccuracy)) }
    public var testStd: Double { std(fits.map(\.testAccuracy)) }
    /// BERMo: softmax(w) and γ averaged over seeds (nil for a single layer).
    public var mixWeights: [Float]? {
        let all = fits.compactMap(\.chosen.mixWeights)
        guard let first = all.first else { return nil }
        return first.indices.map { j in all.map { $0[j] }.reduce(0, +) / Float(all.count) }
    }
    public var gamma: Float? {
        let all = fits.compactMap(\.chosen.gamma)
        return all.isEmpty ? nil : all.reduce(0, +) / Float(all.count)
    }

    private func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }
    private func std(_ x: [Double]) -> Double {
        let m = mean(x)
        return x.isEmpty ? 0 : (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)).squareRoot()
    }
}

/// Everything one probing run found, for one task and one pooling.
public struct ProbingResult: Sendable, Codable, Equatable {
    public let datasetPath: String
    public let datasetFingerprint: String
    public let limit: Int?
    public let pooling: Pooling
    /// Whether features were standardised with training-split statistics.
    public let standardized: Bool
    public let config: ProbeConfig
    public let seeds: [UInt64]
    public let classCount: Int
    /// Train, dev and test: sizes, majority-class baselines, labels unseen in training and ceilings.
    public let splits: [SplitStatistics]
    /// The per-layer curve, one entry per stored hidden state.
    public let layers: [ProbeScore]
    /// The BERT baseline: the probe on the last hidden state (the same fits as `layers.last`).
    public let bert: ProbeScore
    /// BERMo: the probe on a scalar mix of all hidden states, learned jointly (nil when not run).
    public let bermo: ProbeScore?
    /// The hidden state with the best mean *dev* accuracy (ties: the lower layer).
    public let bestLayer: Int

    public func statistics(_ split: SentEvalSplit) -> SplitStatistics { splits.first { $0.split == split }! }
    /// The highest test accuracy any probe can reach (labels unseen in training can never be predicted).
    public var testCeiling: Double { statistics(.test).accuracyCeiling }
}

/// Fits SentEval probes on cached features: one per hidden state (the per-layer curve; the last one is the
/// `bert` baseline) and BERMo's jointly learned mix, each over SentEval's L2 grid and every seed.
///
/// Independent fits (seed × target × L2 value) run side by side on `Compute.threads` workers, each on one
/// thread; every fit is deterministic from its seed, so results do not depend on the thread count.
public struct ProbeRunner: Sendable {
    public var config: ProbeConfig
    public var seeds: [UInt64]
    public var includeBermo: Bool
    /// Which feature layers (indices into `features.layers`) get a probe of their own; nil = all. The last
    /// one fitted is reported as `bert`, so a BERMo-only job can fit just the last layer beside the mix.
    public var layerTargets: [Int]?

    /// SentEval's default seed is 1111.
    public init(config: ProbeConfig = ProbeConfig(), seeds: [UInt64] = [1111], includeBermo: Bool = true,
                layerTargets: [Int]? = nil) {
        self.config = config; self.seeds = seeds; self.includeBermo = includeBermo; self.layerTargets = layerTargets
    }

    /// `features` must hold the dataset's sentences in example order (as `FeatureCache` stores them).
    /// `progress` receives (fits done, fits total), from worker threads but never concurrently.
    public func run(dataset: SentEvalDataset, features: LayerFeatures, pooling: Pooling,
                    progress: ((Int, Int) -> Void)? = nil) throws -> ProbingResult {
        try config.validate()
        guard !seeds.isEmpty else { throw RuntimeError("ProbeRunner: no seeds; give at least one (SentEval: 1111)") }
        guard features.count == dataset.examples.count else {
            throw RuntimeError("ProbeRunner: \(features.count) feature rows for \(dataset.examples.count) sentences of "
                + "\(dataset.path); encode this exact dataset (same limit) with FeatureCache")
        }
        guard !features.layers.isEmpty else { throw RuntimeError("ProbeRunner: the features hold no layers") }
        let values = config.standardize
            ? Self.standardized(features, trainRows: dataset.indices(.train)) : features.values
        func split(_ s: SentEvalSplit) throws -> ProbeSplit {
            try ProbeSplit(values: values, layerCount: features.layers.count, dim: features.dim,
                           rows: dataset.indices(s), labels: dataset.labelIds(s))
        }
        let train = try split(.train), dev = try split(.dev), test = try split(.test)

        var targets: [ProbeInput] = includeBermo ? [.mix] : []   // the slowest first, for load balance
        targets += (layerTargets ?? Array(features.layers.indices)).map { .layer($0) }
        struct Job { let seed: Int, target: Int, l2: Int }
        var jobs: [Job] = []
        for t in targets.indices { for s in seeds.indices { for l in config.l2Grid.indices { jobs.append(Job(seed: s, target: t, l2: l)) } } }

        let results = ResultSlots<L2Trial>(count: jobs.count)
        let config = self.config, seeds = self.seeds, classes = dataset.classCount
        let workers = max(1, min(Compute.threads, jobs.count))
        Compute.parallel(workers) { _ in
            while let i = results.claim() {
                let job = jobs[i]
                let outcome = Result {
                    try StopRequest.check("probe fit \(i + 1) of \(jobs.count)")
                    return try ProbeTrainer.fit(input: targets[job.target], train: train, dev: dev, test: test, classes: classes,
                                         config: config, l2: config.l2Grid[job.l2], seed: seeds[job.seed])
                }
                results.store(outcome, at: i) { progress?($0, jobs.count) }
            }
        }
        let trials = try results.values()

        func score(_ t: Int) -> ProbeScore {
            let fits = seeds.indices.map { s in
                ProbeFit(seed: seeds[s], trials: jobs.indices.filter { jobs[$0].target == t && jobs[$0].seed == s }
                    .sorted { jobs[$0].l2 < jobs[$1].l2 }.map { trials[$0] })
            }
            if case .layer(let k) = targets[t] { return ProbeScore(layer: features.layers[k], fits: fits) }
            return ProbeScore(layer: nil, fits: fits)
        }
        let layerScores = targets.indices.filter { targets[$0] != .mix }.map(score)
        let bermo = targets.indices.first { targets[$0] == .mix }.map(score)
        var best = 0
        for i in layerScores.indices where layerScores[i].devAccuracy > layerScores[best].devAccuracy { best = i }
        return ProbingResult(
            datasetPath: dataset.path, datasetFingerprint: dataset.fingerprint, limit: dataset.limit,
            pooling: pooling, standardized: config.standardize, config: config, seeds: seeds,
            classCount: classes, splits: SentEvalSplit.allCases.map(dataset.statistics),
            layers: layerScores, bert: layerScores.last!, bermo: bermo, bestLayer: layerScores[best].layer!)
    }

    /// Each feature (per layer and dimension) shifted and scaled by its mean and population standard
    /// deviation over the training rows; a constant feature is only centred.
    public static func standardized(_ features: LayerFeatures, trainRows: [Int]) -> [Float] {
        let width = features.layers.count * features.dim
        var mean = [Double](repeating: 0, count: width), square = mean
        features.values.withUnsafeBufferPointer { v in
            for r in trainRows {
                let row = v.baseAddress! + r * width
                for i in 0..<width { let x = Double(row[i]); mean[i] += x; square[i] += x * x }
            }
        }
        let n = Double(max(trainRows.count, 1))
        var shift = [Float](repeating: 0, count: width), scale = shift
        for i in 0..<width {
            let m = mean[i] / n
            let variance = max(square[i] / n - m * m, 0)
            shift[i] = Float(m)
            scale[i] = variance > 1e-12 ? Float(1 / variance.squareRoot()) : 1
        }
        var out = features.values
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<features.count {
                let row = o.baseAddress! + r * width
                for i in 0..<width { row[i] = (row[i] - shift[i]) * scale[i] }
            }
        }
        return out
    }
}

/// A work queue over `count` slots: workers claim indices and store results, under a lock.
final class ResultSlots<T: Sendable>: Sendable {
    private struct State {
        var next = 0, done = 0
        var slots: [Result<T, any Error>?]
    }
    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(slots: Array(repeating: nil, count: count))) }

    func claim() -> Int? {
        state.withLock { s in
            // Stop handing out work after the first failure.
            guard s.next < s.slots.count, !s.slots.contains(where: { if case .failure = $0 { true } else { false } }) else { return nil }
            s.next += 1
            return s.next - 1
        }
    }

    /// Stores a result; `report(done)` runs under the lock, so progress callbacks never overlap.
    func store(_ value: Result<T, any Error>, at i: Int, report: (Int) -> Void) {
        state.withLock { s in
            s.slots[i] = value; s.done += 1
            report(s.done)
        }
    }

    func values() throws -> [T] {
        let slots = state.withLock { $0.slots }
        for case .failure(let error)? in slots { throw error }
        return try slots.map { slot in
            guard let slot else { throw RuntimeError("ProbeRunner: a probe did not run (an earlier one failed)") }
            return try slot.get()
        }
    }
}
