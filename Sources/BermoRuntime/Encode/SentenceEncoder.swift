import Foundation
import Synchronization

/// Turns sentences into pooled per-layer vectors with a frozen encoder.
///
/// Sentences are tokenized, sorted by length and cut into batches of `batchSize`; each batch is
/// packed with no padding (`PackedBatch`), so a batch costs exactly its real tokens. Results come
/// back in input order. One encoder may be shared between threads: its activation buffer (reused from
/// batch to batch and call to call) is held for a whole `encode`, so concurrent calls take turns.
public final class SentenceEncoder: Sendable {
    public let model: BertModel
    public let tokenizer: Tokenizer
    public let maxLength: Int
    public let batchSize: Int
    private let activations = Mutex(Activations())

    /// Tokens per sentence, [CLS] and [SEP] included (which alone need 2); BERT's position table ends at 512.
    public static let maxLengthRule = SettingRule<Int>.in(2...512)
    /// Sentences per batch.
    public static let batchSizeRule = SettingRule<Int>.in(1...4096)
    /// What to pool: at least one pooling (with none, every sentence would come back without a vector).
    public static let poolingsRule = SettingRule<[Pooling]>.nonEmpty()
    /// Which hidden states to pool: at least one.
    public static let layersRule = SettingRule<[Int]>.nonEmpty()

    public init(model: BertModel, tokenizer: Tokenizer, maxLength: Int = 128, batchSize: Int = 32) throws {
        if let problem = Self.maxLengthRule.violation(maxLength) {
            throw RuntimeError("max length: \(problem); use \(Self.maxLengthRule.accepted) ([CLS] and [SEP] alone need 2)")
        }
        guard maxLength <= model.config.maxPositionEmbeddings else {
            throw RuntimeError("--max-length \(maxLength) exceeds the model's max_position_embeddings (\(model.config.maxPositionEmbeddings)); use at most that")
        }
        if let problem = Self.batchSizeRule.violation(batchSize) {
            throw RuntimeError("batch size: \(problem); use \(Self.batchSizeRule.accepted)")
        }
        try tokenizer.checkFits(embeddingRows: model.embeddingRows.words)
        self.model = model; self.tokenizer = tokenizer; self.maxLength = maxLength; self.batchSize = batchSize
    }

    /// Tokenizes sentences (single segment) with truncation to `maxLength`.
    public func tokenize(_ texts: [String]) -> [Encoding] {
        texts.map { tokenizer.encode($0, maxLength: maxLength) }
    }

    /// Encodes already-tokenized sentences. `progress` receives the number of sentences finished so far.
    ///
    /// A vector that is not finite (NaN or infinite: the checkpoint's weights are, see `BertModel.notes`) is an
    /// error naming the sentence, by `naming` its 0-based index (e.g. "in.txt:2"): JSON has no NaN, and a probe
    /// trained on NaN features reports nonsense, so no caller is handed one.
    public func encode(_ encodings: [Encoding], layers: [Int], poolings: [Pooling],
                       naming: (Int) -> String = { "sentence \($0 + 1)" },
                       progress: ((Int) -> Void)? = nil) throws -> PooledFeatures {
        let L = model.config.numHiddenLayers, H = model.config.hiddenSize
        if let problem = Self.poolingsRule.violation(poolings) { throw RuntimeError("poolings: \(problem); use \(Self.poolingsRule.accepted)") }
        if let problem = Self.layersRule.violation(layers) { throw RuntimeError("layers: \(problem); use \(Self.layersRule.accepted)") }
        for l in layers where l < 0 || l > L {
            throw RuntimeError("layer \(l) does not exist: this model has hidden states 0...\(L) (0 = embeddings)")
        }
        var out = PooledFeatures(count: encodings.count, layers: layers, dim: H, poolings: poolings)
        let order = encodings.indices.sorted { encodings[$0].inputIds.count < encodings[$1].inputIds.count }
        var done = 0
        try activations.withLock { activations in
            for start in stride(from: 0, to: order.count, by: batchSize) {
                try StopRequest.check("encoding sentence \(start) of \(order.count)")
                let members = Array(order[start..<min(start + batchSize, order.count)])
                let batch = try model.pack(members.map { (encodings[$0].inputIds, encodings[$0].tokenTypeIds) }, numbers: members)
                model.forwardEncoder(batch, activations)
                for p in poolings {
                    out.withStorage(p) { dst in
                        pool(p, batch: batch, members: members, layers: layers, activations: activations, into: dst)
                    }
                }
                try refuseNonFinite(out, members: members, naming: naming)
                done += members.count
                progress?(done)
            }
        }
        return out
    }

    /// Convenience: tokenize then encode.
    public func encode(_ texts: [String], layers: [Int], poolings: [Pooling],
                       naming: (Int) -> String = { "sentence \($0 + 1)" },
                       progress: ((Int) -> Void)? = nil) throws -> PooledFeatures {
        try encode(tokenize(texts), layers: layers, poolings: poolings, naming: naming, progress: progress)
    }

    private func refuseNonFinite(_ features: PooledFeatures, members: [Int], naming: (Int) -> String) throws {
        let H = features.dim, L = features.layers.count
        for (pooling, values) in features.values.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try values.withUnsafeBufferPointer { all in
                guard let base = all.baseAddress else { return }
                for sentence in members.sorted() {
                    for k in 0..<L where NonFinite.count(base + (sentence * L + k) * H, count: H) > 0 {
                        throw RuntimeError("\(naming(sentence)): its \(pooling.rawValue) vector of layer \(features.layers[k]) "
                            + "is not a number (NaN or infinite), which bermo does not write; the checkpoint's weights are "
                            + "probably not finite (see the note printed when it was loaded): re-download or re-export it")
                    }
                }
            }
        }
    }

    private func pool(_ pooling: Pooling, batch: PackedBatch, members: [Int], layers: [Int],
                      activations: Activations, into dst: UnsafeMutablePointer<Float>) {
        let H = model.config.hiddenSize
        for (s, sentence) in members.enumerated() {
            let o = batch.offsets[s], T = batch.lengths[s]
            for (k, l) in layers.enumerated() {
                let h = activations.hiddenState(l) + o * H
                let y = dst + (sentence * layers.count + k) * H
                switch pooling {
                case .cls:
                    y.update(from: h, count: H)
                case .mean:
                    y.update(repeating: 0, count: H)
                    for t in 0..<T { let row = h + t * H; for i in 0..<H { y[i] += row[i] } }
                    let inv = 1 / Float(T)
                    for i in 0..<H { y[i] *= inv }
                }
            }
        }
    }
}
