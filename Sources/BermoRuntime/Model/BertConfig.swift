import Foundation

/// The hyperparameters of a Hugging Face BERT model, read from its `config.json`.
///
/// Every field is a `@Setting` declared here once with the values bermo accepts, so reading a config.json
/// checks each value's type and range before anything is sized from it, and errors name the file and the key.
/// The ranges are sanity bounds far beyond any published BERT (BERT-large: 24 layers, 1,024 wide, 30,522
/// tokens; multilingual vocabularies ~250,000): they keep a hostile or mistyped file from making the loader lay
/// out a billion layers or overflow a size. Whether the checkpoint's tensors really have these sizes is checked
/// against the safetensors header before the weights are allocated (`CheckpointMatch`).
///
/// The sizes that fix the shape of every weight are required; the rest default to `transformers`' `BertConfig`
/// defaults, as they do when `transformers` itself loads a config that omits them, and keys bermo does not read
/// (`architectures`, `id2label`, …) are ignored. `check()` also refuses configurations this runtime would
/// silently compute wrongly (another activation, relative position embeddings, another architecture), rather
/// than let them produce plausible but wrong embeddings.
public struct BertConfig: Settings, Encodable {
    @Setting("vocab_size", .in(1...10_000_000), required: true, help: "Rows of the word-embedding table: every token id is below it.")
    public var vocabSize = 0
    @Setting("hidden_size", .in(1...65_536), required: true, help: "Width of every hidden state.")
    public var hiddenSize = 0
    @Setting("num_hidden_layers", .in(1...1_024), required: true, help: "Transformer layers.")
    public var numHiddenLayers = 0
    @Setting("num_attention_heads", .in(1...1_024), required: true, help: "Attention heads per layer; they split hidden_size evenly.")
    public var numAttentionHeads = 0
    @Setting("intermediate_size", .in(1...262_144), required: true, help: "Width of each layer's feed-forward network.")
    public var intermediateSize = 0
    @Setting("max_position_embeddings", .in(1...1_048_576), required: true,
             help: "Rows of the position-embedding table: the longest sequence, special tokens included.")
    public var maxPositionEmbeddings = 0
    @Setting("type_vocab_size", .in(1...1_024), help: "Rows of the token-type (segment) table.")
    public var typeVocabSize = 2
    @Setting("layer_norm_eps", .above(0, atMost: 1), help: "The epsilon of every LayerNorm.")
    public var layerNormEps: Double = 1e-12
    @Setting("hidden_act", help: "The feed-forward activation; bermo implements 'gelu' (exact erf) only.")
    public var hiddenAct = "gelu"
    @Setting("hidden_dropout_prob", .in(0..<1), help: "Dropout on hidden states while training.")
    public var hiddenDropoutProb: Double = 0.1
    @Setting("attention_probs_dropout_prob", .in(0..<1), help: "Dropout on attention probabilities while training.")
    public var attentionProbsDropoutProb: Double = 0.1
    @Setting("pad_token_id", .in(0...Int(Int32.max)), help: "Id of [PAD]; null keeps the default.")
    public var padTokenId = 0
    @Setting("position_embedding_type", help: "bermo implements 'absolute' position embeddings only.")
    public var positionEmbeddingType = "absolute"
    @Setting("model_type", help: "bermo runs 'bert' models only.")
    public var modelType = "bert"

    public init() {}

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
        self.init()
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

    /// Written with Hugging Face's keys (the settings' keys), so transformers reads the file back.
    public func encode(to encoder: any Encoder) throws { try settingsJSON().encode(to: encoder) }

    /// Size of one attention head; `validate` guarantees the division is exact.
    public var headDim: Int { hiddenSize / numAttentionHeads }

    /// Reads and checks a `config.json`: every field's type and range, then `check()`.
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
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let error as DecodingError {
            throw RuntimeError("\(path): \(DecodingErrorText.describe(error)); fix the file, or download the model's config.json again")
        }
        guard case .object = json else {
            throw RuntimeError("\(path): the top level is not a JSON object; fix the file, or download the model's config.json again")
        }
        try JSONDuplicateKeys.check(data, file: path)
        var source = try JSONSettingsSource(json, origin: path)
        source.ignoresUnknownKeys = true
        source.defaultFix = "copy the value from the model's original config.json on the Hub"
        return try decode(from: source)
    }

    /// What the fields' own ranges cannot say: the supported architecture, and fields that must agree.
    public func check() throws {
        guard modelType == "bert" else {
            throw SettingError("model_type", "'\(modelType)' is not supported: bermo runs only 'bert' models",
                               fix: "pick a BERT checkpoint (RoBERTa, DistilBERT, etc. have different weights and are not supported)")
        }
        guard hiddenAct == "gelu" else {
            let kind = Self.activationNames[hiddenAct].map { " (\($0))" } ?? ""
            throw SettingError("hidden_act", "'\(hiddenAct)'\(kind) is not supported: bermo supports only 'gelu', the exact erf GELU",
                               fix: "pick a model that uses 'gelu'; the approximations 'gelu_new', 'gelu_fast', 'gelu_pytorch_tanh', "
                                + "'quick_gelu' and other activations ('relu', 'silu') are not implemented")
        }
        guard positionEmbeddingType == "absolute" else {
            throw SettingError("position_embedding_type", "'\(positionEmbeddingType)' is not supported: bermo supports only "
                               + "'absolute' position embeddings", fix: "pick a model that uses them")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw SettingError("num_attention_heads", "hidden_size \(hiddenSize) is not divisible by num_attention_heads "
                               + "\(numAttentionHeads), so attention heads cannot split it evenly", fix: "fix one of the two fields")
        }
        guard padTokenId < vocabSize else {
            throw SettingError("pad_token_id", "\(padTokenId) is outside the vocabulary (vocab_size \(vocabSize))",
                               fix: "use the id of the tokenizer's padding token ([PAD] is 0 in BERT vocabularies)")
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
