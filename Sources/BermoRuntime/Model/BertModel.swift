import Foundation

/// A BERT encoder (plus pooler, and optionally a BERMo mix and a classification head) whose
/// parameters all live in one `ParameterBuffer` laid out by `ParameterLayout`.
///
/// Unchecked `Sendable`: shared only to be read; its one owner (loader, trainer, pruning schedule) mutates it between passes.
public final class BertModel: @unchecked Sendable {
    public let config: BertConfig
    public let layout: ParameterLayout
    public let parameters: ParameterBuffer
    /// The BERMo mix options and the hidden-state indices it reads, when the model has one.
    public let mix: MixConfig?
    public let mixLayers: [Int]
    /// Masked copies of the prunable matrices, when a pruning schedule has installed them (see `WeightMasks`).
    public internal(set) var effectiveWeights: ParameterBuffer?
    /// Custom kernels (e.g. sparse) for encoder projections in inference-mode passes, keyed by the
    /// weight's offset (see `InferenceKernels`); empty = every projection is a dense sgemm.
    public internal(set) var inferenceKernels: [Int: any LinearKernel] = [:]
    /// What loading noticed but did not fail on (ignored tensors, freshly initialised ones).
    public private(set) var notes: [String] = []

    /// A model with freshly initialised weights (Hugging Face's scheme: N(0, 0.02) matrices and
    /// embeddings, zero biases, unit LayerNorm gains), reproducible from `seed`.
    /// - Parameter initialise: false leaves the buffer zeroed for a loader that fills it (random
    ///   initialisation of a 30k-row embedding table is a visible share of start-up time).
    public init(config: BertConfig, numLabels: Int? = nil, mix: MixConfig? = nil, seed: UInt64 = 0,
                initialise: Bool = true) throws {
        do { try config.validate() } catch let error as SettingError { throw RuntimeError("model configuration: \(error)") }
        self.config = config
        self.mix = mix
        mixLayers = try mix?.resolvedLayers(numLayers: config.numHiddenLayers) ?? []
        layout = ParameterLayout(config: config, numLabels: numLabels, mixSize: mix == nil ? nil : mixLayers.count)
        parameters = ParameterBuffer(count: layout.total)
        self.seed = seed
        if initialise { for t in layout.tensors { self.initialise(t) } }
    }

    /// Seed of the head's fresh initialisation (each tensor draws from its own stream, so which
    /// tensors a checkpoint happens to provide does not change the others' values).
    let seed: UInt64

    /// Initialises one tensor in place (also used for heads a checkpoint does not carry).
    public func initialise(_ t: ParameterLayout.Tensor) {
        var rng = SeededRandom(seed: seed ^ UInt64(t.offset &* 2_654_435_761))
        let p = parameters[t.offset]
        if t.group == .mix {
            if t.name.hasSuffix("gamma") { p[0] = mix?.initialGamma ?? 1 }
            else { for i in 0..<t.count { p[i] = mix?.initialWeights?[i] ?? 0 } }
        } else if t.name.hasSuffix("LayerNorm.weight") {
            p.update(repeating: 1, count: t.count)
        } else if t.shape.count == 1 {
            p.update(repeating: 0, count: t.count)
        } else {
            for i in 0..<t.count { p[i] = 0.02 * rng.nextNormal() }
        }
    }

    /// Loads a Hugging Face BERT directory (`config.json`, `model.safetensors`). Tensor names may carry
    /// the `bert.` prefix (as `BertFor*` checkpoints do) or not (`BertModel`). Encoder and embedding
    /// tensors are required; the pooler, the mix and the classifier are loaded when present with the
    /// right shape and freshly initialised otherwise (each case recorded in `notes`). config.json is matched
    /// against the safetensors header (`CheckpointMatch`) before the weights are allocated.
    public static func load(directory: URL, numLabels: Int? = nil, mix: MixConfig? = nil, seed: UInt64 = 0) throws -> BertModel {
        let configURL = directory.appendingPathComponent("config.json")
        let config = try BertConfig.load(from: configURL)
        let file = directory.appendingPathComponent("model.safetensors")
        let checkpoint = try SafetensorsFile(contentsOf: file)
        let mixSize = try mix?.resolvedLayers(numLayers: config.numHiddenLayers).count
        let match = try CheckpointMatch(layout: ParameterLayout(config: config, numLabels: numLabels, mixSize: mixSize),
                                        checkpoint: checkpoint, path: file.path, configPath: configURL.path, requireHead: false)
        let model = try BertModel(config: config, numLabels: numLabels, mix: mix, seed: seed, initialise: false)
        try model.fill(match, from: checkpoint, path: file.path)
        return model
    }

    /// Loads a model folder's weights and its tokenizer: the pair every command and plugin runs. The tokenizer
    /// is read first and checked against config.json's vocab_size (which the weights are then checked against),
    /// so a tokenizer the embedding cannot serve is refused before the weights are allocated.
    public static func loadWithTokenizer(directory: URL, numLabels: Int? = nil, mix: MixConfig? = nil,
                                         seed: UInt64 = 0) throws -> (BertModel, Tokenizer) {
        let tokenizer = try Tokenizer(modelDirectory: directory)
        let config = try BertConfig.load(from: directory.appendingPathComponent("config.json"))
        try tokenizer.checkFits(embeddingRows: config.vocabSize)
        let model = try load(directory: directory, numLabels: numLabels, mix: mix, seed: seed)
        return (model, tokenizer)
    }

    /// Loads this model's weights from `st` (see `CheckpointMatch`).
    /// - Parameter requireHead: resuming a run needs the head and mix too, not fresh ones.
    func loadWeights(from st: SafetensorsFile, path: String, requireHead: Bool = false) throws {
        try fill(CheckpointMatch(layout: layout, checkpoint: st, path: path, configPath: nil, requireHead: requireHead),
                 from: st, path: path)
    }

    /// Copies (or freshly initialises) every tensor as `match` says, and notes tensors holding NaN or infinite
    /// values: outputs computed from them are not numbers, which `bermo encode` refuses to write.
    private func fill(_ match: CheckpointMatch, from st: SafetensorsFile, path: String) throws {
        var nonFinite: [String] = []
        for (t, name) in match.sources {
            guard let name else { initialise(t); continue }
            try st.copyFloats(name, into: parameters[t.offset], count: t.count)
            let bad = NonFinite.count(parameters[t.offset], count: t.count)
            if bad > 0 { nonFinite.append("\(name) (\(bad) value\(bad == 1 ? "" : "s"))") }
        }
        notes += match.notes
        if !nonFinite.isEmpty {
            notes.append("\(path) holds non-finite weights (NaN or infinity) in \(nonFinite.count) tensor(s): "
                + nonFinite.prefix(6).joined(separator: ", ") + (nonFinite.count > 6 ? ", …" : "")
                + "; what the model computes from them will not be a number: re-download or re-export the checkpoint")
        }
    }

    /// A pointer to a parameter by its offset in the layout.
    @inline(__always) public func p(_ offset: Int) -> UnsafeMutablePointer<Float> { parameters[offset] }
}
