import BermoHarness
import BermoRuntime
import Foundation

/// `senteval.probe`: SentEval's probing tasks (Conneau et al. 2018), or any TSV in their format.
///
/// Protocol `frozen` (SentEval's): every sentence is encoded once per (model, dataset) and all layers'
/// [CLS] and mean vectors are cached; probes are then fitted from the cache. The `bert` variant reports
/// the last layer's probe and the per-layer curve; the `bermo` variant reports a probe over a scalar mix
/// of the variant's layers, trained jointly with the probe, and the learned mix.
/// Protocol `finetune`: the whole encoder is fine-tuned with the variant's head on the task.
///
/// Each job is one (variant, seed); reference levels (majority class of each split, the test ceiling
/// when test labels never occur in train) are recorded in the job's details beside every result.
public struct SentEvalProbePlugin: TaskPlugin {
    public init() {}
    public var id: String { "senteval.probe" }
    public var version: Int { 2 }
    public var summary: String { "SentEval probing (frozen features + SentEval classifier, or full fine-tuning); BERT last layer, per-layer curve, BERMo mix" }
    public var datasets: [any DatasetFetcher] { [SentEvalFetcher()] }
    public var reportSections: [any ReportSectionProvider] { [ProbeLayerSection()] }

    public func prepare(_ config: ProbeTaskConfig, context: PrepareContext) throws -> any PreparedTask {
        let (config, file) = try config.resolved(context)
        return Prepared(config: config, file: file)
    }

    struct Prepared: PreparedTask {
        let config: ProbeTaskConfig
        let file: DataFile
        var settings: any Settings { config }
        var dataFiles: [DataFile] { [file] }
        var metrics: [MetricDeclaration] {
            [MetricDeclaration("accuracy", higherIsBetter: true),
             MetricDeclaration("dev_accuracy", higherIsBetter: true),
             MetricDeclaration("best_layer_accuracy", higherIsBetter: true),
             // Reference level, reported beside every result (see ../shared/notes/probing-facts.md): the
             // accuracy of always predicting the test split's most frequent label.
             MetricDeclaration("majority_accuracy", higherIsBetter: true)]
        }

        func run(_ job: JobContext) throws -> JobOutcome {
            let dataset = try SentEvalDataset.load(path: file.url.path, limit: job.limit)
            switch config.protocolKind {
            case .frozen: return try frozen(job, dataset)
            case .finetune: return try finetune(job, dataset)
            }
        }

        func frozen(_ job: JobContext, _ dataset: SentEvalDataset) throws -> JobOutcome {
            let loaded = try job.model.load(numLabels: nil, mix: nil, seed: job.seed64)
            let modelConfig = loaded.model.config
            let identity = try ModelIdentity.of(directory: loaded.directory, config: modelConfig)
            let cache = FeatureCache(directory: job.cacheDirectory.appendingPathComponent("senteval-features"))
            let encoder = try SentenceEncoder(model: loaded.model, tokenizer: loaded.tokenizer,
                                              maxLength: config.finetune.maxSeqLength, batchSize: 64)
            let encoded = try cache.features(for: dataset, encoder: encoder, model: identity,
                                             progress: { job.progress(0.6 * Double($0) / Double(max($1, 1)), "encoding") },
                                             log: job.log)
            var features = encoded.features(config.pooling)
            var details = ProbeJobDetails(references: ProbeReferences(dataset), pooling: config.pooling,
                                          standardized: config.standardize, featuresFromCache: encoded.fromCache)
            let progress: (Int, Int) -> Void = { job.progress(0.6 + 0.4 * Double($0) / Double(max($1, 1)), "probing") }

            if job.variant.head == .bert {
                let result = try ProbeRunner(config: config.classifierSettings, seeds: [job.seed64], includeBermo: false)
                    .run(dataset: dataset, features: features, pooling: config.pooling, progress: progress)
                let best = result.layers.first { $0.layer == result.bestLayer }!
                details.bestLayer = result.bestLayer
                details.perLayer = result.layers.map {
                    ProbeJobDetails.LayerAccuracy(layer: $0.layer ?? -1, devAccuracy: $0.devAccuracy, testAccuracy: $0.testAccuracy)
                }
                details.probe = result
                let curve = Series(name: "accuracy by layer", xLabel: "hidden state (0 = embeddings)", yLabel: "test accuracy",
                                   points: result.layers.map { Series.Point(x: Double($0.layer ?? 0), y: $0.testAccuracy) },
                                   variant: job.variant.name)
                return .completed(["accuracy": result.bert.testAccuracy, "dev_accuracy": result.bert.devAccuracy,
                                   "best_layer_accuracy": best.testAccuracy,
                                   "majority_accuracy": dataset.statistics(.test).majorityAccuracy],
                                  series: [curve], details: try JSONValue(encoding: details))
            }
            // BERMo: a probe over the mix of the variant's layers (all hidden states by default).
            let mixLayers = try (job.variant.mix ?? MixConfig()).resolvedLayers(numLayers: modelConfig.numHiddenLayers)
            features = try features.selecting(layers: mixLayers)
            let result = try ProbeRunner(config: config.classifierSettings, seeds: [job.seed64], includeBermo: true,
                                         layerTargets: [features.layers.count - 1])
                .run(dataset: dataset, features: features, pooling: config.pooling, progress: progress)
            let bermo = result.bermo!
            let weights = bermo.mixWeights ?? [], gamma = bermo.gamma ?? 1
            details.probe = result
            details.mixLayers = mixLayers
            let mixCurve = Series(name: "BERMo mix weight by layer", xLabel: "hidden state (0 = embeddings)",
                                  yLabel: "softmax(w)", points: zip(mixLayers, weights).map { Series.Point(x: Double($0), y: Double($1)) },
                                  variant: job.variant.name)
            // The mix's accuracy drawn across the layer axis, so the per-layer plot shows BERMo beside every layer.
            let level = Series(name: "accuracy by layer", xLabel: "hidden state (0 = embeddings)", yLabel: "test accuracy",
                               points: [Series.Point(x: Double(mixLayers.first!), y: bermo.testAccuracy),
                                        Series.Point(x: Double(mixLayers.last!), y: bermo.testAccuracy)],
                               variant: job.variant.name)
            return .completed(["accuracy": bermo.testAccuracy, "dev_accuracy": bermo.devAccuracy,
                               "majority_accuracy": dataset.statistics(.test).majorityAccuracy],
                              series: [level, mixCurve],
                              mix: MixSnapshot(weights: weights.map(Double.init), gamma: Double(gamma), layers: mixLayers),
                              details: try JSONValue(encoding: details))
        }

        func finetune(_ job: JobContext, _ dataset: SentEvalDataset) throws -> JobOutcome {
            let loaded = try job.loadModel(numLabels: dataset.classCount)
            var training = config.finetune
            training.seed = job.seed64
            let kind = TaskKind.classification(labels: dataset.labels)
            let tuner = try FineTuner(model: loaded.model, tokenizer: loaded.tokenizer, config: training, kind: kind)
            func examples(_ split: SentEvalSplit) -> [Example] {
                dataset.indices(split).map { Example(text: dataset.examples[$0].sentence, label: dataset.labelIds[$0]) }
            }
            let train = training.trainLimited(examples(.train))
            let dev = examples(.dev), test = examples(.test)
            let total = training.totalSteps(trainCount: train.count)
            let result = try tuner.train(train, dev: dev, observer: { event in
                if case .step(let step, _, _) = event { job.progress(Double(step) / Double(max(total, 1)), "fine-tuning") }
            })
            var details = ProbeJobDetails(references: ProbeReferences(dataset))
            details.steps = result.steps
            details.trainSeconds = result.trainSeconds
            let curve = Series(name: "dev accuracy during fine-tuning", xLabel: "step", yLabel: "dev accuracy",
                               points: result.logHistory.compactMap { e in e.eval?["accuracy"].map { Series.Point(x: Double(e.step), y: $0) } },
                               variant: job.variant.name)
            if result.status == .diverged {
                return .diverged(step: result.divergedAtStep ?? result.steps, reason: result.divergenceReason ?? "diverged",
                                 series: [curve], details: try JSONValue(encoding: details))
            }
            let predictions = try tuner.predict(test)
            let testAccuracy = Metrics.accuracy(predictions.classes, test.map(\.label))
            func name(_ id: Int) -> String { dataset.labels.indices.contains(id) ? dataset.labels[id] : "(unseen in train)" }
            let samples: [JSONValue] = job.logSamples ? test.enumerated().map { i, e in
                .object(["split": "test", "index": .int(i), "sentence": .string(e.text),
                         "label": .string(name(e.label)), "prediction": .string(name(predictions.classes[i]))])
            } : []
            var mix: MixSnapshot?
            if let w = loaded.model.layout.mixWeights, let g = loaded.model.layout.mixGamma {
                mix = MixSnapshot(logits: Array(UnsafeBufferPointer(start: loaded.model.p(w), count: loaded.model.mixLayers.count)),
                                  gamma: loaded.model.p(g)[0], layers: loaded.model.mixLayers)
            }
            return .completed(["accuracy": testAccuracy, "dev_accuracy": result.finalEval["accuracy"] ?? 0,
                               "majority_accuracy": dataset.statistics(.test).majorityAccuracy],
                              series: [curve], mix: mix, details: try JSONValue(encoding: details), samples: samples)
        }
    }
}

extension LayerFeatures {
    /// The same sentences with only the given hidden states (in that order).
    func selecting(layers wanted: [Int]) throws -> LayerFeatures {
        let positions = try wanted.map { l -> Int in
            guard let k = layers.firstIndex(of: l) else { throw RuntimeError("hidden state \(l) is not among the cached layers \(layers)") }
            return k
        }
        var out = [Float](); out.reserveCapacity(count * wanted.count * dim)
        for s in 0..<count { for k in positions { out += vector(sentence: s, layerIndex: k) } }
        return try LayerFeatures(count: count, layers: wanted, dim: dim, values: out)
    }
}
