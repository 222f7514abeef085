import BermoTestSupport
import BermoRuntime
import Foundation
@testable import SentEvalPlugin
import Testing

@Suite struct FeatureCacheTests {
    /// A tiny random BERT with a toy vocabulary: exercises encode → store → reload without the checkpoint.
    static func tinyEncoder(in directory: TemporaryDirectory) throws -> (SentenceEncoder, ModelIdentity) {
        let words = ["the", "cat", "dog", "sat", "ran", "on", "a", "mat", "."]
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
        let vocabFile = directory.file("vocab.txt")
        try vocab.joined(separator: "\n").write(to: vocabFile, atomically: true, encoding: .utf8)
        let config = BertConfig(vocabSize: vocab.count, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2,
                                intermediateSize: 16, maxPositionEmbeddings: 32)
        let model = try BertModel(config: config, seed: 3)
        let encoder = try SentenceEncoder(model: model, tokenizer: Tokenizer(vocabularyFile: vocabFile), maxLength: 16)
        let identity = ModelIdentity(weightsSha256: "w", configSha256: "c", tokenizerSha256: "v", numHiddenLayers: 2, hiddenSize: 8)
        return (encoder, identity)
    }

    static let text = """
        tr\tA\tthe cat sat on a mat .
        tr\tB\tthe dog ran .
        va\tA\ta cat sat .
        te\tB\tthe dog sat on the mat .

        """

    @Test func encodesOnceThenReusesTheCache() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (encoder, identity) = try Self.tinyEncoder(in: directory)
        let dataset = try SentEvalDataset(data: Data(Self.text.utf8), path: "toy.txt")
        let cache = FeatureCache(directory: directory.file("cache"))
        var reported = 0
        let first = try cache.features(for: dataset, encoder: encoder, model: identity) { done, total in
            reported = done; #expect(total == 4)
        }
        #expect(!first.fromCache && reported == 4)
        #expect(first.mean.count == 4 && first.mean.layers == [0, 1, 2] && first.mean.dim == 8)
        let second = try cache.features(for: dataset, encoder: encoder, model: identity)
        #expect(second.fromCache && second.file == first.file)
        #expect(second.cls.values == first.cls.values && second.mean.values == first.mean.values)

        // The stored rows are the encoder's own vectors, in example order (encoded alone here, so in
        // another batch: equal up to summation order).
        let direct = try encoder.encode([dataset.examples[3].sentence], layers: [0, 1, 2], poolings: [.mean, .cls])
        func close(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }
        }
        #expect(close(second.mean.vector(sentence: 3, layerIndex: 2), direct.vector(.mean, sentence: 0, layerIndex: 2)))
        #expect(close(second.cls.vector(sentence: 3, layerIndex: 1), direct.vector(.cls, sentence: 0, layerIndex: 1)))
        #expect(!close(second.cls.vector(sentence: 2, layerIndex: 1), direct.vector(.cls, sentence: 0, layerIndex: 1)))

        // Another max_length or other weights are other cache entries.
        let other = ModelIdentity(weightsSha256: "w2", configSha256: "c", tokenizerSha256: "v", numHiddenLayers: 2, hiddenSize: 8)
        #expect(try cache.fileURL(model: other, dataset: dataset, maxLength: 16) != first.file)
        #expect(try cache.fileURL(model: identity, dataset: dataset, maxLength: 12) != first.file)
        #expect(try cache.load(model: other, dataset: dataset, maxLength: 16) == nil)
    }

    @Test func aMismatchedIdentityIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (encoder, _) = try Self.tinyEncoder(in: directory)
        let dataset = try SentEvalDataset(data: Data(Self.text.utf8), path: "toy.txt")
        let wrong = ModelIdentity(weightsSha256: "w", configSha256: "c", tokenizerSha256: "v", numHiddenLayers: 6, hiddenSize: 384)
        #expect(throws: RuntimeError.self) {
            try FeatureCache(directory: directory.file("cache")).features(for: dataset, encoder: encoder, model: wrong)
        }
    }

    /// A run killed (SIGKILL, OOM, a lost node) while writing features leaves a temporary as large as the
    /// features; the next run removes it once nobody can be writing it (untouched for an hour).
    @Test func aKilledWritersTemporaryIsRemovedByTheNextRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let (encoder, identity) = try Self.tinyEncoder(in: directory)
        let dataset = try SentEvalDataset(data: Data(Self.text.utf8), path: "toy.txt")
        let cacheDirectory = directory.file("cache")
        try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        let killed = cacheDirectory.appendingPathComponent(".toy-L16-0123456789abcdef01234567.safetensors.tmp-4242-1")
        let writing = cacheDirectory.appendingPathComponent(".toy-L16-89abcdef0123456789abcdef.safetensors.tmp-4243-2")
        for file in [killed, writing] { try Data(count: 4096).write(to: file) }
        var hourAgo = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        #expect(utimes(killed.path, &hourAgo) == 0)
        _ = try FeatureCache(directory: cacheDirectory).features(for: dataset, encoder: encoder, model: identity)
        let left = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path).filter { $0.hasPrefix(".") }
        #expect(left == [writing.lastPathComponent])
    }
}
