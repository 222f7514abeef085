import BermoTestSupport
import BermoRuntime
import Foundation
@testable import SentEvalPlugin
import Testing

/// The real all-MiniLM-L6-v2 on a real probing task (Tense, 300 lines per split): mean-pooled
/// last-layer probing must beat the majority class. Everything else runs too (all layers, BERMo),
/// so this is also the end-to-end check of encode → cache → probe.
@Suite struct RealCheckpointTests {
    @Test func meanPooledLastLayerBeatsMajorityOnTense() throws {
        let modelDirectory = try TestModel.minilmDirectory()
        let model = try BertModel.load(directory: modelDirectory)
        let tokenizer = try Tokenizer(modelDirectory: modelDirectory)
        let encoder = try SentenceEncoder(model: model, tokenizer: tokenizer, maxLength: 128)
        let identity = try ModelIdentity.of(directory: modelDirectory, config: model.config)
        let dataset = try SentEvalDataset.load(path: ProbingData.path(SentEvalTask.tense.fileName), limit: 300)
        let cache = try TemporaryDirectory()
        defer { cache.cleanup() }
        let encoded = try FeatureCache(directory: cache.url).features(for: dataset, encoder: encoder, model: identity)
        #expect(encoded.mean.layers == Array(0...6) && encoded.mean.count == 900)

        var config = ProbeConfig()
        config.l2Grid = [1e-5, 1e-3]
        let result = try ProbeRunner(config: config, seeds: [1111]).run(dataset: dataset, features: encoded.mean, pooling: .mean)
        let test = result.statistics(.test), dev = result.statistics(.dev)
        #expect(result.bert.layer == 6)
        #expect(result.bert.testAccuracy > test.majorityAccuracy + 0.1,
                "last layer \(result.bert.testAccuracy) vs majority \(test.majorityAccuracy)")
        #expect(result.bert.devAccuracy > dev.majorityAccuracy + 0.1)
        let bermo = try #require(result.bermo)
        #expect(bermo.testAccuracy > test.majorityAccuracy + 0.1)
        #expect(bermo.mixWeights?.count == 7)
    }
}
