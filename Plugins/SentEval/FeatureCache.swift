import BermoRuntime
import Foundation

/// Per-sentence vectors of several hidden states: `values` is `[count, layers.count, dim]`, row-major,
/// sentences in the dataset's example order.
public struct LayerFeatures: Sendable {
    public let count: Int
    /// Hidden-state indices (0 = embedding output) of the middle axis.
    public let layers: [Int]
    public let dim: Int
    public internal(set) var values: [Float]

    public init(count: Int, layers: [Int], dim: Int, values: [Float]) throws {
        guard values.count == count * layers.count * dim else {
            throw RuntimeError("LayerFeatures: \(values.count) values do not fill [\(count), \(layers.count), \(dim)] "
                + "(= \(count * layers.count * dim)); pass values laid out as [sentences, layers, dim]")
        }
        self.count = count; self.layers = layers; self.dim = dim; self.values = values
    }

    /// The vector of `sentence` at the k-th stored layer.
    public func vector(sentence: Int, layerIndex k: Int) -> ArraySlice<Float> {
        let start = (sentence * layers.count + k) * dim
        return values[start..<(start + dim)]
    }
}

/// What identifies a model's outputs: the weights and what shapes them (config, tokenizer).
public struct ModelIdentity: Sendable, Codable, Equatable {
    public let weightsSha256: String
    public let configSha256: String
    /// Of the files the tokenizer is read from (`TokenizerLayout.files`).
    public let tokenizerSha256: String
    public let numHiddenLayers: Int
    public let hiddenSize: Int

    public init(weightsSha256: String, configSha256: String, tokenizerSha256: String, numHiddenLayers: Int, hiddenSize: Int) {
        self.weightsSha256 = weightsSha256; self.configSha256 = configSha256; self.tokenizerSha256 = tokenizerSha256
        self.numHiddenLayers = numHiddenLayers; self.hiddenSize = hiddenSize
    }

    /// Hashes `model.safetensors`, `config.json` and the tokenizer's files of a Hugging Face model folder
    /// (about 0.3 s for a 90 MB checkpoint). A tokenizer read from one file is keyed on that file's digest; one read
    /// from several on the digest of their names and digests.
    public static func of(directory: URL, config: BertConfig) throws -> ModelIdentity {
        let tokenizerFiles = try TokenizerLayout(directory: directory).files
        let tokenizerDigests = try tokenizerFiles.map { try Digest.sha256(of: $0) }
        return ModelIdentity(
            weightsSha256: try Digest.sha256(of: directory.appendingPathComponent("model.safetensors")),
            configSha256: try Digest.sha256(of: directory.appendingPathComponent("config.json")),
            tokenizerSha256: tokenizerDigests.count == 1 ? tokenizerDigests[0]
                : try Digest.sha256(zip(tokenizerFiles, tokenizerDigests).map { "\($0.lastPathComponent) \($1)\n" }.joined()),
            numHiddenLayers: config.numHiddenLayers, hiddenSize: config.hiddenSize)
    }
}

/// A dataset's sentences encoded once: every hidden state (0...N), [CLS] and mean pooling.
public struct EncodedDataset: Sendable {
    public let cls: LayerFeatures
    public let mean: LayerFeatures
    /// The safetensors file the features live in.
    public let file: URL
    /// True when the features were read from the cache rather than computed now.
    public let fromCache: Bool

    public func features(_ pooling: Pooling) -> LayerFeatures {
        switch pooling {
        case .cls: cls
        case .mean: mean
        }
    }
}

/// Encodes each probing dataset once per (model, dataset content, max_length) and keeps the pooled
/// per-layer features in a cache directory as safetensors (tensors `cls` and `mean`, each
/// `[sentences, N+1, hidden]`), written atomically, so repeated probing runs skip the encoder.
///
/// The key is a sha256 over the format version, the runtime's numerics version, the model's weights, config and vocabulary hashes, the
/// dataset's `fingerprint` (its selected content) and `maxLength`; the file name carries the first 24 hex
/// digits and the header's metadata all of the parts, which are checked again on load.
public struct FeatureCache: Sendable {
    public static let formatVersion = "bermo-senteval-features-v1"
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `<model cache>/features/senteval` (`$BERMO_CACHE` or `~/.cache/bermo`).
    public static func defaultDirectory(store: ModelStore = ModelStore()) -> URL {
        store.cacheDirectory.appendingPathComponent("features", isDirectory: true)
            .appendingPathComponent("senteval", isDirectory: true)
    }

    static func metadata(model: ModelIdentity, dataset: SentEvalDataset, maxLength: Int) -> [String: String] {
        [
            "format": formatVersion,
            // Features computed by runtime code that gave other numbers are never served (see `Numerics`).
            "numerics": String(Numerics.version),
            "weights_sha256": model.weightsSha256,
            "config_sha256": model.configSha256,
            "tokenizer_sha256": model.tokenizerSha256,
            "dataset_fingerprint": dataset.fingerprint,
            "dataset_file_sha256": dataset.fileSha256,
            "dataset_limit": dataset.limit.map(String.init) ?? "none",
            "max_length": String(maxLength),
            "count": String(dataset.examples.count),
            "layers": String(model.numHiddenLayers + 1),
            "hidden_size": String(model.hiddenSize),
        ]
    }

    /// Where the features of this combination are (or would be) stored.
    public func fileURL(model: ModelIdentity, dataset: SentEvalDataset, maxLength: Int) throws -> URL {
        let m = Self.metadata(model: model, dataset: dataset, maxLength: maxLength)
        let keyParts = ["format", "weights_sha256", "config_sha256", "tokenizer_sha256", "dataset_fingerprint", "max_length"]
        let key = try Digest.sha256(keyParts.map { "\($0)=\(m[$0] ?? "")" }.joined(separator: "\n"))
        let stem = URL(fileURLWithPath: dataset.path).deletingPathExtension().lastPathComponent
            .filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        return directory.appendingPathComponent("\(stem)-L\(maxLength)-\(key.prefix(24)).safetensors")
    }

    /// The cached features, or nil when there are none (or the file does not match and must be rebuilt;
    /// `log` says why).
    public func load(model: ModelIdentity, dataset: SentEvalDataset, maxLength: Int,
                     log: (String) -> Void = { _ in }) throws -> EncodedDataset? {
        let url = try fileURL(model: model, dataset: dataset, maxLength: maxLength)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let file = try SafetensorsFile(contentsOf: url)
            let expected = Self.metadata(model: model, dataset: dataset, maxLength: maxLength)
            for (key, value) in expected where file.metadata[key] != value {
                log("feature cache \(url.path): metadata '\(key)' is '\(file.metadata[key] ?? "missing")', expected "
                    + "'\(value)'; re-encoding")
                return nil
            }
            let n = dataset.examples.count, layers = Array(0...model.numHiddenLayers), h = model.hiddenSize
            let cls = try LayerFeatures(count: n, layers: layers, dim: h, values: file.floats("cls"))
            let mean = try LayerFeatures(count: n, layers: layers, dim: h, values: file.floats("mean"))
            return EncodedDataset(cls: cls, mean: mean, file: url, fromCache: true)
        } catch {
            log("feature cache \(url.path) is unreadable (\(ErrorText.describe(error))); re-encoding")
            return nil
        }
    }

    /// Cached features if present, else encodes every sentence of `dataset` with `encoder` and stores them.
    /// `progress` receives (sentences done, total) while encoding.
    public func features(for dataset: SentEvalDataset, encoder: SentenceEncoder, model: ModelIdentity,
                         progress: ((Int, Int) -> Void)? = nil,
                         log: (String) -> Void = { _ in }) throws -> EncodedDataset {
        let config = encoder.model.config
        guard config.numHiddenLayers == model.numHiddenLayers, config.hiddenSize == model.hiddenSize else {
            throw RuntimeError("FeatureCache: the encoder's model has \(config.numHiddenLayers) layers × "
                + "\(config.hiddenSize) but the ModelIdentity says \(model.numHiddenLayers) × \(model.hiddenSize); "
                + "compute the identity from the same model directory the encoder was loaded from")
        }
        // A process killed while writing features (hundreds of MB) leaves its temporary; the next one removes it.
        StaleTemporaries.sweepAll(in: directory)
        if let cached = try load(model: model, dataset: dataset, maxLength: encoder.maxLength, log: log) { return cached }
        let url = try fileURL(model: model, dataset: dataset, maxLength: encoder.maxLength)
        let encoded = try Self.encode(dataset.examples.map(\.sentence), encoder: encoder, progress: progress)
        do { try OutputFile.createDirectory(directory) } catch let error as FileError {
            throw FileError(path: error.path, action: "cannot create the feature cache directory", code: error.code,
                            fix: "set BERMO_CACHE to a writable place or fix the permissions")
        }
        let n = dataset.examples.count, shape = [n, model.numHiddenLayers + 1, model.hiddenSize]
        try encoded.cls.values.withUnsafeBufferPointer { c in
            try encoded.mean.values.withUnsafeBufferPointer { m in
                try SafetensorsWriter.write([("cls", shape, c), ("mean", shape, m)],
                                            metadata: Self.metadata(model: model, dataset: dataset,
                                                                    maxLength: encoder.maxLength),
                                            to: url)
            }
        }
        return EncodedDataset(cls: encoded.cls, mean: encoded.mean, file: url, fromCache: false)
    }

    /// Encodes sentences (all hidden states, both poolings) in chunks, so the encoder's own buffers
    /// stay small; returns (cls, mean).
    public static func encode(_ sentences: [String], encoder: SentenceEncoder,
                              progress: ((Int, Int) -> Void)? = nil) throws -> (cls: LayerFeatures, mean: LayerFeatures) {
        let L = encoder.model.config.numHiddenLayers, H = encoder.model.config.hiddenSize
        let layers = Array(0...L), row = layers.count * H, n = sentences.count
        var cls = [Float](repeating: 0, count: n * row), mean = cls
        let chunk = 4096
        for start in stride(from: 0, to: n, by: chunk) {
            let slice = Array(sentences[start..<min(start + chunk, n)])
            let pooled = try encoder.encode(slice, layers: layers, poolings: [.cls, .mean], progress: { progress?(start + $0, n) })
            cls.replaceSubrange((start * row)..<((start + slice.count) * row), with: pooled.values[.cls]!)
            mean.replaceSubrange((start * row)..<((start + slice.count) * row), with: pooled.values[.mean]!)
        }
        return (try LayerFeatures(count: n, layers: layers, dim: H, values: cls),
                try LayerFeatures(count: n, layers: layers, dim: H, values: mean))
    }
}
