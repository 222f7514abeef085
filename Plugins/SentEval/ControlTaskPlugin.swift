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
    public init() {}
    public var id: String { "senteval.control" }
    public var version: String { "1" }
    public var summary: String { "control task (random labels, same class frequencies) and probe selectivity" }

    public func prepare(_ params: TaskParameters, context: PrepareContext) throws -> any PreparedTask {
        // Every senteval.probe parameter (frozen protocol), plus the seed of the random labelling.
        let controlSeed = UInt64(try params.int("control_seed", default: 0, in: 0...Int(Int32.max)))
        let parameters = try ProbeTaskParameters(params, context: context, extraKeys: ["control_seed"])
        guard parameters.protocolKind == .frozen else {
            throw params.error("protocol", "control tasks use frozen features", fix: "remove `protocol` or set it to frozen")
        }
        return Prepared(parameters: parameters, controlSeed: controlSeed)
    }

    struct Prepared: PreparedTask {
        let parameters: ProbeTaskParameters
        let controlSeed: UInt64
        var configuration: JSONValue {
            guard case .object(var c) = parameters.configuration else { return parameters.configuration }
            c["control_seed"] = .int(Int(controlSeed))
            return .object(c)
        }
        var dataFiles: [DataFile] { [parameters.file] }
        var metrics: [MetricDeclaration] {
            [MetricDeclaration("accuracy", higherIsBetter: true), MetricDeclaration("control_accuracy", higherIsBetter: false),
             MetricDeclaration("selectivity", higherIsBetter: true)]
        }

        func run(_ job: JobContext) throws -> JobOutcome {
            let dataset = try SentEvalDataset.load(path: parameters.file.url.path, limit: job.limit)
            let control = try Self.controlDataset(dataset, seed: controlSeed)
            let loaded = try job.model.load(numLabels: nil, mix: nil, seed: job.seed64)
            let identity = try ModelIdentity.of(directory: loaded.directory, config: loaded.model.config)
            let encoder = try SentenceEncoder(model: loaded.model, tokenizer: loaded.tokenizer, maxLength: parameters.maxLength, batchSize: 64)
            // Features of the real dataset (same sentences, same order): shared with senteval.probe's cache.
            let features = try FeatureCache(directory: job.cacheDirectory.appendingPathComponent("senteval-features"))
                .features(for: dataset, encoder: encoder, model: identity, log: job.log).features(parameters.pooling)
            let bermo = job.variant.head == .bermo
            let runner = ProbeRunner(config: parameters.probe, seeds: [job.seed64], includeBermo: bermo,
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
