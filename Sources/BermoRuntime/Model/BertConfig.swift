import Foundation

/// The hyperparameters of a Hugging Face BERT model, read from its `config.json`.
///
/// Field names follow the Swift convention and map to Hugging Face's snake_case keys. The sizes that fix the
/// shape of every weight are required; the rest default to `transformers`' `BertConfig` defaults, as they do
/// when `transformers` itself loads a config that omits them. `load(from:)` also refuses configurations this
/// runtime would silently compute wrongly (another activation, relative position embeddings, another
/// architecture), rather than let them produce plausible but wrong embeddings.
public struct BertConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Double
    public var hiddenAct: String
    public var hiddenDropoutProb: Double
    public var attentionProbsDropoutProb: Double
    public var padTokenId: Int
    public var positionEmbeddingType: String
    public var modelType: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob"
        case attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case padTokenId = "pad_token_id"
        case positionEmbeddingType = "position_embedding_type"
        case modelType = "model_type"
    }

    /// All fields, for building tiny random models in tests; defaults match `transformers`' `BertConfig`.
    public init(
        vocabSize: Int,
        hiddenSize: Int,
        numHiddenLayers: Int,
        numAttentionHeads: Int,
        intermediateSize: Int,
        maxPositionEmbeddings: Int = 512,
        typeVocabSize: Int = 2,
        layerNormEps: Double = 1e-12,
        hiddenAct: String = "gelu",
        hiddenDropoutProb: Double = 0.1,
        attentionProbsDropoutProb: Double = 0.1,
        padTokenId: Int = 0,
        positionEmbeddingType: String = "absolute",
        modelType: String = "bert"
    ) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.hiddenAct = hiddenAct
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attentionProbsDropoutProb = attentionProbsDropoutProb
        self.padTokenId = padTokenId
        self.positionEmbeddingType = positionEmbeddingType
        self.modelType = modelType
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = BertConfig(vocabSize: 0, hiddenSize: 0, numHiddenLayers: 0, numAttentionHeads: 0,
                                  intermediateSize: 0)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maxPositionEmbeddings = try c.decode(Int.self, forKey: .maxPositionEmbeddings)
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? defaults.typeVocabSize
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? defaults.layerNormEps
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? defaults.hiddenAct
        hiddenDropoutProb = try c.decodeIfPresent(Double.self, forKey: .hiddenDropoutProb) ?? defaults.hiddenDropoutProb
        attentionProbsDropoutProb = try c.decodeIfPresent(Double.self, forKey: .attentionProbsDropoutProb)
            ?? defaults.attentionProbsDropoutProb
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? defaults.padTokenId
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType)
            ?? defaults.positionEmbeddingType
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? defaults.modelType
    }

    /// Size of one attention head; `validate` guarantees the division is exact.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// Reads and validates a `config.json`.
    public static func load(from url: URL) throws -> BertConfig {
        let path = url.path
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw RuntimeError(exists
                ? "\(path) cannot be read (\(error.localizedDescription)); check its permissions"
                : "\(path) does not exist; a Hugging Face model directory needs its config.json")
        }
        let config: BertConfig
        do {
            config = try JSONDecoder().decode(BertConfig.self, from: data)
        } catch let error as DecodingError {
            let fix: String
            if case .keyNotFound = error {
                fix = "add it from the model's original config.json on the Hub"
            } else {
                fix = "fix the file, or download the model's config.json again"
            }
            throw RuntimeError("\(path): \(DecodingErrorText.describe(error)); \(fix)")
        }
        try config.validate(file: path)
        return config
    }

    /// Refuses values this runtime cannot run faithfully. `file` names the source in the messages.
    public func validate(file: String = "BertConfig") throws {
        guard modelType == "bert" else {
            throw RuntimeError("\(file): model_type is '\(modelType)', but bermo runs only 'bert' models; "
                + "pick a BERT checkpoint (RoBERTa, DistilBERT, etc. have different weights and are not supported)")
        }
        guard hiddenAct == "gelu" else {
            let kind = Self.activationNames[hiddenAct].map { " (\($0))" } ?? ""
            throw RuntimeError("\(file): hidden_act is '\(hiddenAct)'\(kind), but bermo supports only 'gelu', the "
                + "exact erf GELU; the approximations 'gelu_new', 'gelu_fast', 'gelu_pytorch_tanh', 'quick_gelu' and "
                + "other activations ('relu', 'silu') are not implemented, so pick a model that uses 'gelu'")
        }
        guard positionEmbeddingType == "absolute" else {
            throw RuntimeError("\(file): position_embedding_type is '\(positionEmbeddingType)', but bermo supports "
                + "only 'absolute' position embeddings; pick a model that uses them")
        }
        let positives: [(String, Int)] = [
            ("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
            ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
            ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabSize),
        ]
        for (field, value) in positives where value <= 0 {
            throw RuntimeError("\(file): \(field) is \(value) but must be positive; fix the config")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw RuntimeError("\(file): hidden_size \(hiddenSize) is not divisible by num_attention_heads "
                + "\(numAttentionHeads), so attention heads cannot split it evenly; fix one of the two fields")
        }
        guard layerNormEps > 0, layerNormEps.isFinite else {
            throw RuntimeError("\(file): layer_norm_eps is \(layerNormEps) but must be a small positive number "
                + "(BERT uses 1e-12); fix the config")
        }
        for (field, value) in [("hidden_dropout_prob", hiddenDropoutProb),
                               ("attention_probs_dropout_prob", attentionProbsDropoutProb)]
            where !(value >= 0 && value < 1) {
            throw RuntimeError("\(file): \(field) is \(value) but must be in [0, 1); fix the config")
        }
        guard padTokenId >= 0, padTokenId < vocabSize else {
            throw RuntimeError("\(file): pad_token_id \(padTokenId) is outside the vocabulary (vocab_size "
                + "\(vocabSize)); fix the config")
        }
    }

    /// What the common `transformers` activation names are, so the refusal says why.
    private static let activationNames: [String: String] = [
        "gelu_new": "tanh approximation", "gelu_pytorch_tanh": "tanh approximation",
        "gelu_fast": "tanh approximation", "quick_gelu": "sigmoid approximation",
        "gelu_python": "erf GELU under another name; re-save the config with 'gelu'",
        "relu": "ReLU", "silu": "SiLU", "swish": "SiLU", "tanh": "tanh", "mish": "Mish",
    ]
}
