import BermoTestSupport
@testable import BermoRuntime
import Foundation
import Testing

@Suite struct BertConfigTests {
    /// A valid config.json as a dictionary, for tests to break one field at a time.
    static var valid: [String: Any] { [
        "vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 64, "max_position_embeddings": 16, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
        "hidden_act": "gelu", "model_type": "bert", "position_embedding_type": "absolute",
    ] }

    private func load(_ fields: [String: Any], editing: (inout [String: Any]) -> Void = { _ in })
        throws -> (Result<BertConfig, RuntimeError>, URL) {
        var fields = fields
        editing(&fields)
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }  // only the path is needed afterwards, for messages
        let url = directory.file("config.json")
        try JSONSerialization.data(withJSONObject: fields).write(to: url)
        do {
            return (.success(try BertConfig.load(from: url)), url)
        } catch let error as RuntimeError {
            return (.failure(error), url)
        }
    }

    @Test func realMiniLMConfig() throws {
        let config = try BertConfig.load(from: TestModel.minilmDirectory().appendingPathComponent("config.json"))
        #expect(config == BertConfig(vocabSize: 30522, hiddenSize: 384, numHiddenLayers: 6, numAttentionHeads: 12,
                                     intermediateSize: 1536, maxPositionEmbeddings: 512, typeVocabSize: 2,
                                     layerNormEps: 1e-12, hiddenAct: "gelu", hiddenDropoutProb: 0.1,
                                     attentionProbsDropoutProb: 0.1, padTokenId: 0,
                                     positionEmbeddingType: "absolute", modelType: "bert"))
        #expect(config.headDim == 32)
    }

    @Test func optionalFieldsTakeTransformersDefaults() throws {
        let (result, _) = try load(Self.valid) { fields in
            for key in ["type_vocab_size", "layer_norm_eps", "hidden_act", "model_type", "position_embedding_type"] {
                fields.removeValue(forKey: key)
            }
            fields["pad_token_id"] = NSNull()
        }
        let config = try result.get()
        #expect(config == BertConfig(vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
                                     intermediateSize: 64, maxPositionEmbeddings: 16))
        #expect(config.headDim == 8)
    }

    @Test func encodesWithHuggingFaceNamesAndRoundTrips() throws {
        let config = BertConfig(vocabSize: 50, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2,
                                intermediateSize: 16, maxPositionEmbeddings: 10, layerNormEps: 1e-5)
        let data = try JSONEncoder().encode(config)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["hidden_size"] as? Int == 8)
        #expect(object["attention_probs_dropout_prob"] as? Double == 0.1)
        #expect(Set(object.keys) == Set(BertConfig.declarations().map(\.key)))
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try data.write(to: directory.file("config.json"))
        #expect(try BertConfig.load(from: directory.file("config.json")) == config)
    }

    struct Broken: CustomTestStringConvertible, Sendable {
        var label: String
        var key: String
        var value: (any Sendable)?  // nil removes the key
        var mustMention: [String]
        var testDescription: String { label }
    }

    static let broken: [Broken] = [
        Broken(label: "missing hidden_size", key: "hidden_size", value: nil, mustMention: ["hidden_size", "missing"]),
        Broken(label: "missing vocab_size", key: "vocab_size", value: nil, mustMention: ["vocab_size", "missing"]),
        Broken(label: "hidden_size as string", key: "hidden_size", value: "32", mustMention: ["hidden_size", "an integer"]),
        Broken(label: "roberta", key: "model_type", value: "roberta", mustMention: ["model_type", "roberta", "bert"]),
        Broken(label: "gelu_new", key: "hidden_act", value: "gelu_new",
               mustMention: ["hidden_act", "gelu_new", "tanh approximation", "exact erf"]),
        Broken(label: "relu", key: "hidden_act", value: "relu", mustMention: ["hidden_act", "'relu'", "only 'gelu'"]),
        Broken(label: "relative positions", key: "position_embedding_type", value: "relative_key",
               mustMention: ["position_embedding_type", "relative_key", "absolute"]),
        Broken(label: "heads do not divide hidden", key: "num_attention_heads", value: 5,
               mustMention: ["hidden_size 32", "num_attention_heads 5", "divisible"]),
        Broken(label: "zero layers", key: "num_hidden_layers", value: 0, mustMention: ["num_hidden_layers", "0 is out of range"]),
        Broken(label: "negative eps", key: "layer_norm_eps", value: -1.0, mustMention: ["layer_norm_eps"]),
        Broken(label: "dropout one", key: "hidden_dropout_prob", value: 1.0, mustMention: ["hidden_dropout_prob"]),
        Broken(label: "pad outside vocab", key: "pad_token_id", value: 100, mustMention: ["pad_token_id", "vocab_size"]),
        // Sizes are range-checked before anything is allocated from them (each range declared once, on the field).
        Broken(label: "a billion layers", key: "num_hidden_layers", value: 1_000_000_000,
               mustMention: ["num_hidden_layers", "1000000000 is out of range", "1...1024"]),
        Broken(label: "negative hidden size", key: "hidden_size", value: -32, mustMention: ["hidden_size", "-32 is out of range"]),
        Broken(label: "zero heads", key: "num_attention_heads", value: 0, mustMention: ["num_attention_heads", "0 is out of range"]),
        Broken(label: "fractional layers", key: "num_hidden_layers", value: 2.5, mustMention: ["num_hidden_layers", "an integer", "2.5"]),
        Broken(label: "layers beyond Int", key: "num_hidden_layers", value: 1e300, mustMention: ["num_hidden_layers", "an integer"]),
        Broken(label: "huge vocabulary", key: "vocab_size", value: 5_000_000_000, mustMention: ["vocab_size", "out of range"]),
        Broken(label: "huge intermediate size", key: "intermediate_size", value: 1 << 40, mustMention: ["intermediate_size", "out of range"]),
        Broken(label: "negative positions", key: "max_position_embeddings", value: -1, mustMention: ["max_position_embeddings", "out of range"]),
        Broken(label: "zero token types", key: "type_vocab_size", value: 0, mustMention: ["type_vocab_size", "out of range"]),
        Broken(label: "huge token types", key: "type_vocab_size", value: 1_000_000, mustMention: ["type_vocab_size", "out of range"]),
        Broken(label: "eps as string", key: "layer_norm_eps", value: "1e-12", mustMention: ["layer_norm_eps", "a number"]),
        Broken(label: "eps of one thousand", key: "layer_norm_eps", value: 1000.0, mustMention: ["layer_norm_eps", "out of range"]),
        Broken(label: "layers as a list", key: "num_hidden_layers", value: [6], mustMention: ["num_hidden_layers", "an integer"]),
        Broken(label: "layers as null", key: "num_hidden_layers", value: NSNull(), mustMention: ["num_hidden_layers", "missing"]),
        Broken(label: "negative pad id", key: "pad_token_id", value: -1, mustMention: ["pad_token_id", "out of range"]),
    ]

    @Test(arguments: broken)
    func badConfigsNameTheFieldAndFile(_ broken: Broken) throws {
        let (result, url) = try load(Self.valid) { fields in
            fields[broken.key] = broken.value.map { $0 as Any }
        }
        guard case .failure(let error) = result else {
            Issue.record("\(broken.label) was accepted")
            return
        }
        #expect(error.message.contains(url.path), "\(error.message)")
        for text in broken.mustMention {
            #expect(error.message.contains(text), "'\(text)' not in: \(error.message)")
        }
    }

    @Test func unreadableFilesNameTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let absent = directory.file("config.json")
        let missing = #expect(throws: RuntimeError.self) { try BertConfig.load(from: absent) }
        #expect(missing?.message.contains("\(absent.path) does not exist") == true)

        try Data("{\"hidden_size\": 3".utf8).write(to: absent)
        let invalid = #expect(throws: RuntimeError.self) { try BertConfig.load(from: absent) }
        #expect(invalid?.message.contains(absent.path) == true)
        #expect(invalid?.message.contains("not valid JSON") == true)
    }
}
