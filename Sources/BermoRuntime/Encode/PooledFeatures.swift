/// How a sentence vector is read off a layer's token states.
public enum Pooling: String, Sendable, Codable, CaseIterable {
    /// The [CLS] token's state (position 0).
    case cls
    /// The average over the sentence's real tokens, [CLS] and [SEP] included (what sentence-transformers
    /// trained all-MiniLM-L6-v2 with).
    case mean
}

/// Pooled sentence vectors for several layers: `values[p]` is `[sentences, layers.count, dim]`, row-major.
public struct PooledFeatures: Sendable {
    public let layers: [Int]
    public let dim: Int
    public private(set) var count: Int
    public private(set) var values: [Pooling: [Float]]

    public init(count: Int, layers: [Int], dim: Int, poolings: [Pooling]) {
        self.count = count; self.layers = layers; self.dim = dim
        values = Dictionary(uniqueKeysWithValues: poolings.map { ($0, [Float](repeating: 0, count: count * layers.count * dim)) })
    }

    /// The vector of `sentence` at the k-th requested layer.
    public func vector(_ pooling: Pooling, sentence: Int, layerIndex k: Int) -> ArraySlice<Float> {
        let start = (sentence * layers.count + k) * dim
        return values[pooling]![start..<(start + dim)]
    }

    mutating func withStorage(_ pooling: Pooling, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        values[pooling]!.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}
