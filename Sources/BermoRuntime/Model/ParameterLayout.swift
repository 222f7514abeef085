/// Where every parameter lives inside the model's single flat `[Float]` buffer (llm.c style).
/// One buffer means the optimizer is one loop, a gradient is a buffer of the same layout, and a
/// checkpoint is one write. Tensors keep Hugging Face names so checkpoints map both ways.
///
/// Query, key and value of a layer are stored back to back, so they form one `[3H, H]` matrix and
/// one fused sgemm computes all three projections.
public struct ParameterLayout: Sendable {
    public struct Tensor: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
        /// AdamW's weight decay applies to matrices only: biases, LayerNorm and the mix are excluded.
        public let decays: Bool
        public let group: Group
    }

    /// Parameter groups get their own learning rate (the BERMo mix trains faster than the encoder).
    public enum Group: String, Sendable, Codable, CaseIterable { case embeddings, encoder, pooler, mix, classifier }

    public struct Layer: Sendable {
        public let qkvWeight, qkvBias, attnOutWeight, attnOutBias, ln1Gamma, ln1Beta: Int
        public let interWeight, interBias, outWeight, outBias, ln2Gamma, ln2Beta: Int
    }

    public let config: BertConfig
    public let numLabels: Int?
    public let mixSize: Int?
    public private(set) var tensors: [Tensor] = []
    public private(set) var total = 0

    // Offsets of the structured views.
    public private(set) var wordEmbeddings = 0, positionEmbeddings = 0, tokenTypeEmbeddings = 0
    public private(set) var embLnGamma = 0, embLnBeta = 0
    public private(set) var layers: [Layer] = []
    public private(set) var poolerWeight = 0, poolerBias = 0
    /// Offsets of the mix logits (mixSize floats) and gamma (1 float), when the model has a BERMo mix.
    public private(set) var mixWeights: Int?, mixGamma: Int?
    public private(set) var classifierWeight: Int?, classifierBias: Int?

    /// Parameters outside the three embedding tables: what transformers' `num_parameters(exclude_embeddings: True)`
    /// counts, and so what its FLOP estimate (`total_flos`) multiplies.
    public var nonEmbeddingCount: Int {
        let tables: Set = [wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings]
        return tensors.filter { !tables.contains($0.offset) }.reduce(0) { $0 + $1.count }
    }

    /// - Parameters:
    ///   - numLabels: size of the classification head (1 = regression); nil for a bare encoder.
    ///   - mixSize: number of hidden states the BERMo mix reads; nil for a plain BERT head.
    public init(config: BertConfig, numLabels: Int? = nil, mixSize: Int? = nil) {
        self.config = config; self.numLabels = numLabels; self.mixSize = mixSize
        let H = config.hiddenSize, I = config.intermediateSize
        func add(_ name: String, _ shape: [Int], decays: Bool, _ group: Group) -> Int {
            let t = Tensor(name: name, shape: shape, offset: total, decays: decays, group: group)
            tensors.append(t); total += t.count
            return t.offset
        }
        wordEmbeddings = add("embeddings.word_embeddings.weight", [config.vocabSize, H], decays: true, .embeddings)
        positionEmbeddings = add("embeddings.position_embeddings.weight", [config.maxPositionEmbeddings, H], decays: true, .embeddings)
        tokenTypeEmbeddings = add("embeddings.token_type_embeddings.weight", [config.typeVocabSize, H], decays: true, .embeddings)
        embLnGamma = add("embeddings.LayerNorm.weight", [H], decays: false, .embeddings)
        embLnBeta = add("embeddings.LayerNorm.bias", [H], decays: false, .embeddings)
        for l in 0..<config.numHiddenLayers {
            let p = "encoder.layer.\(l)."
            let qW = add(p + "attention.self.query.weight", [H, H], decays: true, .encoder)
            _ = add(p + "attention.self.key.weight", [H, H], decays: true, .encoder)
            _ = add(p + "attention.self.value.weight", [H, H], decays: true, .encoder)
            let qB = add(p + "attention.self.query.bias", [H], decays: false, .encoder)
            _ = add(p + "attention.self.key.bias", [H], decays: false, .encoder)
            _ = add(p + "attention.self.value.bias", [H], decays: false, .encoder)
            layers.append(Layer(
                qkvWeight: qW, qkvBias: qB,
                attnOutWeight: add(p + "attention.output.dense.weight", [H, H], decays: true, .encoder),
                attnOutBias: add(p + "attention.output.dense.bias", [H], decays: false, .encoder),
                ln1Gamma: add(p + "attention.output.LayerNorm.weight", [H], decays: false, .encoder),
                ln1Beta: add(p + "attention.output.LayerNorm.bias", [H], decays: false, .encoder),
                interWeight: add(p + "intermediate.dense.weight", [I, H], decays: true, .encoder),
                interBias: add(p + "intermediate.dense.bias", [I], decays: false, .encoder),
                outWeight: add(p + "output.dense.weight", [H, I], decays: true, .encoder),
                outBias: add(p + "output.dense.bias", [H], decays: false, .encoder),
                ln2Gamma: add(p + "output.LayerNorm.weight", [H], decays: false, .encoder),
                ln2Beta: add(p + "output.LayerNorm.bias", [H], decays: false, .encoder)))
        }
        poolerWeight = add("pooler.dense.weight", [H, H], decays: true, .pooler)
        poolerBias = add("pooler.dense.bias", [H], decays: false, .pooler)
        if let mixSize {
            mixWeights = add("bermo.scalar_mix.weights", [mixSize], decays: false, .mix)
            mixGamma = add("bermo.scalar_mix.gamma", [1], decays: false, .mix)
        }
        if let numLabels {
            classifierWeight = add("classifier.weight", [numLabels, H], decays: true, .classifier)
            classifierBias = add("classifier.bias", [numLabels], decays: false, .classifier)
        }
    }

    public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }

    /// Tensors a checkpoint must provide: the encoder and pooler (the head and mix may be new).
    public var checkpointTensors: [Tensor] { tensors.filter { $0.group != .mix && $0.group != .classifier } }
}
