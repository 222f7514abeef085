import BermoHarness
import BermoRuntime
import Foundation

/// `senteval.control`: a control task for any probing task (after Hewitt & Liang 2019, "Designing and
/// Interpreting Probes with Control Tasks"), written as one file on top of the SentEval engine to show
/// how a task with new logic is added without touching the harness.
///
/// The sentences and splits are the probing task's, but every label is replaced by a random one drawn
/// with the same class frequencies (seeded by `control_seed`). A probe that scores well here memorises
/// rather than reads the property, so `selectivity = probe accuracy − control accuracy` says how much of
/// a probe's accuracy the representation, not the probe, deserves. Reported per variant: the real
/// probe's accuracy, the control accuracy and their difference.
public struct ControlTaskPlugin: TaskPlugin {
    /// Every `senteval.probe` parameter (frozen protocol), plus the seed of the random labelling.
    public struct Config: Settings {
        @InlineSettings public var probe = ProbeTaskConfig()
        @Setting("control_seed", .in(0...Int(Int32.max)), help: "Seed of the random labels (same class frequencies as the training split).")
        public var controlSeed = 0
        public init() {}

        public func check() throws {
            guard probe.protocolKind == .frozen else {
                throw SettingError("protocol", "control tasks use frozen features", fix: "remove `protocol` or set it to frozen")
            }
        }
    }

    public init() {}
    public var id: String { "senteval.control" }
    public var version: Int { 2 }
    public var summary: String { "control task (random labels, same class frequencies) and probe selectivity" }

    public func prepare(_ config: Config, context: PrepareContext) throws -> any PreparedTask {
        var config = config
        let (probe, file) = try config.probe.resolved(context)
        config.probe = probe
        return Prepared(config: config, file: file)
    }

    struct Prepared: PreparedTask {
        let config: Config
        let file: DataFile
        var settings: any Settings { config }
        var dataFiles: [DataFile] { [file] }
        var metrics: [MetricDeclaration] {
            [MetricDeclaration("accuracy", higherIsBetter: true), MetricDeclaration("control_accuracy", higherIsBetter: false),
             MetricDeclaration("selectivity", higherIsBetter: true)]
        }

        func run(_ job: JobContext) throws -> JobOutcome {
            let parameters = config.probe
            let dataset = try SentEvalDataset.load(path: file.url.path, limit: job.limit)
            let control = try Self.controlDataset(dataset, seed: UInt64(config.controlSeed))
            let loaded = try job.model.load(numLabels: nil, mix: nil, seed: job.seed64)
            let identity = try ModelIdentity.of(directory: loaded.directory, config: loaded.model.config)
            let encoder = try SentenceEncoder(model: loaded.model, tokenizer: loaded.tokenizer, maxLength: parameters.finetune.maxSeqLength, batchSize: 64)
            // Features of the real dataset (same sentences, same order): shared with senteval.probe's cache.
            var features = try FeatureCache(directory: job.cacheDirectory.appendingPathComponent("senteval-features"))
                .features(for: dataset, encoder: encoder, model: identity, log: job.log).features(parameters.pooling)
            let bermo = job.variant.head == .bermo
            if bermo {
                // The mix is over the variant's layers, as in senteval.probe (all hidden states by default).
                features = try features.selecting(layers: (job.variant.mix ?? MixConfig()).resolvedLayers(numLayers: loaded.model.config.numHiddenLayers))
            }
            let runner = ProbeRunner(config: parameters.classifierSettings, seeds: [job.seed64], includeBermo: bermo,
                                     layerTargets: [features.layers.count - 1])
            func accuracy(_ d: SentEvalDataset) throws -> Double {
                let r = try runner.run(dataset: d, features: features, pooling: parameters.pooling)
                return bermo ? r.bermo!.testAccuracy : r.bert.testAccuracy
            }
            let real = try accuracy(dataset), shuffled = try accuracy(control)
            return .completed(["accuracy": real, "control_accuracy": shuffled, "selectivity": real - shuffled])
        }

        /// The same lines with labels redrawn at random with the training split's class frequencies.
        static func controlDataset(_ d: SentEvalDataset, seed: UInt64) throws -> SentEvalDataset {
            var rng = SeededRandom(seed: seed &+ 0xC0_47_10)
            let pool = d.examples.filter { $0.split == .train }.map(\.label)
            guard !pool.isEmpty else { throw RuntimeError("\(d.path): no training lines to draw control labels from") }
            let lines = d.examples.map { e in "\(e.split.rawValue)\t\(pool[Int(rng.next() % UInt64(pool.count))])\t\(e.sentence)" }
            return try SentEvalDataset(data: Data((lines.joined(separator: "\n") + "\n").utf8), path: d.path + " (control labels)")
        }
    }
}
