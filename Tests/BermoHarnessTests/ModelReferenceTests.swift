import BermoHarness
import BermoRuntime
import Foundation
import Testing

/// The per-process weight cache must give exactly the model `BertModel.load` gives.
@Suite struct ModelReferenceTests {
    static let config = BertConfig(vocabSize: 12, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16,
                                   maxPositionEmbeddings: 16)

    /// A tiny random checkpoint folder; `pooler: false` leaves the pooler out of the checkpoint.
    static func checkpoint(in dir: URL, pooler: Bool) throws {
        let model = try BertModel(config: config, seed: 5)
        try JSONEncoder().encode(config).write(to: dir.appendingPathComponent("config.json"))
        let tensors = model.layout.tensors.filter { pooler || $0.group != .pooler }.map { t in
            (name: t.name, shape: t.shape, values: UnsafeBufferPointer(start: model.parameters[t.offset], count: t.count))
        }
        try SafetensorsWriter.write(tensors, to: dir.appendingPathComponent("model.safetensors"))
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "e", "f", "g"]
        try vocab.joined(separator: "\n").write(to: dir.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
    }

    @Test(arguments: [true, false])
    func cachedLoadEqualsDirectLoad(pooler: Bool) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.checkpoint(in: dir, pooler: pooler)
        let reference = ModelReference(name: "tiny", weightsSha256: "x", source: .directory(dir), cache: ModelCache())
        for (labels, mix, seed) in [(3, MixConfig(), UInt64(11)), (2, nil, 12), (1, MixConfig(layers: [1, 2], layerNorm: true), 13)] as [(Int, MixConfig?, UInt64)] {
            let cached = try reference.load(numLabels: labels, mix: mix, seed: seed).model
            let direct = try BertModel.load(directory: dir, numLabels: labels, mix: mix, seed: seed)
            #expect(cached.parameters.array == direct.parameters.array)
            #expect(cached.mix == direct.mix && cached.numLabels == labels)
        }
        // Two jobs get independent copies: training one cannot touch the other.
        let a = try reference.load(numLabels: 2, mix: nil, seed: 1).model, b = try reference.load(numLabels: 2, mix: nil, seed: 1).model
        a.parameters.base[0] += 1
        #expect(a.parameters.base[0] != b.parameters.base[0])
    }

    @Test func jobContextLoadsTheVariantsHead() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.checkpoint(in: dir, pooler: true)
        let reference = ModelReference(name: "tiny", weightsSha256: "x", source: .directory(dir), cache: ModelCache())
        let context = JobContext(id: "j", model: reference, variant: Variant(name: "m", head: .bermo, mix: MixConfig(layers: [2])),
                                 seed: 4, limit: 2, cacheDirectory: dir, artifactsDirectory: dir, logSamples: false)
        let loaded = try context.loadModel(numLabels: 2)
        #expect(loaded.model.variant == .bermo && loaded.model.mixLayers == [2])
        #expect(loaded.tokenizer.vocabulary.tokens.count == 12)
    }

    @Test func fileHashCacheRehashesChangedFilesOnly() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data.tsv"), store = dir.appendingPathComponent("hashes.json")
        try "one\n".write(to: file, atomically: true, encoding: .utf8)
        let cache = FileHashCache(file: store)
        #expect(try cache.sha256(of: file) == Digest.sha256("one\n"))
        cache.save()
        // A new process reads the stored digest; a change of size (or mtime) is noticed.
        #expect(try FileHashCache(file: store).sha256(of: file) == Digest.sha256("one\n"))
        try "three\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try FileHashCache(file: store).sha256(of: file) == Digest.sha256("three\n"))
        #expect(throws: HarnessError.self) { try cache.sha256(of: dir.appendingPathComponent("missing")) }
    }

    @Test func canonicalJSONIsStable() throws {
        let a: JSONValue = ["b": 1, "a": [1.5, "x\n", true, nil], "c": ["z": 2e-5, "y": 3.0]]
        #expect(a.canonical == "{\"a\":[1.5,\"x\\n\",true,null],\"b\":1,\"c\":{\"y\":3.0,\"z\":2e-05}}")
        #expect(try a.canonicalHash == Digest.sha256(a.canonical))
    }
}
