/// Options of the BERMo layer mix, mirroring AllenNLP's `ScalarMix`.
public struct MixConfig: Codable, Sendable, Equatable {
    /// Hidden-state indices to mix (0 = embedding output, 1...N = encoder layers). `nil` means all
    /// of them, or 1...N when `includeEmbedding` is false.
    public var layers: [Int]?
    /// Whether the embedding output (index 0) is mixed when `layers` is not given. The paper mixes it.
    public var includeEmbedding: Bool
    /// Initial mix logits `w` (before softmax); default all zeros, i.e. a uniform average.
    public var initialWeights: [Float]?
    public var initialGamma: Float
    /// AllenNLP's `do_layer_norm`: normalise each mixed tensor by its own mean and variance first.
    public var layerNorm: Bool
    /// Frozen mixes keep their initial weights (e.g. a fixed uniform average).
    public var trainable: Bool

    public init(layers: [Int]? = nil, includeEmbedding: Bool = true, initialWeights: [Float]? = nil,
                initialGamma: Float = 1, layerNorm: Bool = false, trainable: Bool = true) {
        self.layers = layers; self.includeEmbedding = includeEmbedding; self.initialWeights = initialWeights
        self.initialGamma = initialGamma; self.layerNorm = layerNorm; self.trainable = trainable
    }

    /// The hidden-state indices mixed for a model with `numLayers` encoder layers, validated.
    public func resolvedLayers(numLayers: Int) throws -> [Int] {
        let chosen = layers ?? Array((includeEmbedding ? 0 : 1)...numLayers)
        guard !chosen.isEmpty else { throw RuntimeError("mix.layers is empty: list at least one hidden-state index (0...\(numLayers))") }
        for l in chosen where l < 0 || l > numLayers {
            throw RuntimeError("mix.layers contains \(l), but this model has hidden states 0...\(numLayers) (0 = embeddings)")
        }
        guard Set(chosen).count == chosen.count else { throw RuntimeError("mix.layers lists an index twice: \(chosen)") }
        if let w = initialWeights, w.count != chosen.count {
            throw RuntimeError("mix.initial_weights has \(w.count) values but \(chosen.count) layers are mixed; give one per layer")
        }
        return chosen
    }
}
