import BermoRuntime
import Foundation
import Synchronization

/// The model a job runs on: its name, the digest of its weights (part of the job id), and loading.
///
/// Resolving a registered model may download it, so nothing is resolved until a plugin asks: a suite
/// whose jobs are all finished never touches the model.
public final class ModelReference: Sendable {
    /// The name as the suite wrote it (`minilm-l6`, `./models/bert`).
    public let name: String
    /// SHA-256 of `model.safetensors`.
    public let weightsSha256: String
    public let source: ModelSpec.Source
    private let cache: ModelCache
    private let log: @Sendable (String) -> Void
    /// The folder once resolved, so a suite's jobs resolve (and log) it once, not once per job.
    private let resolved = ResolvedDirectory()

    public init(name: String, weightsSha256: String, source: ModelSpec.Source, cache: ModelCache = .shared,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.name = name; self.weightsSha256 = weightsSha256; self.source = source; self.cache = cache; self.log = log
    }

    /// The local model folder (fetched into the model cache first for a registered model not yet there).
    public func directory() throws -> URL {
        switch source {
        case .directory(let url): return url
        case .registered(let model):
            return try resolved.value { try ModelStore().resolve(model.name, log: log) }
        }
    }

    /// A model with the given head, initialised from `seed`, the encoder weights copied from a copy of the
    /// checkpoint kept per process (reading 90 MB for every job would dominate short jobs).
    public func load(numLabels: Int?, mix: MixConfig?, seed: UInt64) throws -> LoadedModel {
        let directory = try directory()
        let base = try cache.base(directory: directory, log: log)
        return LoadedModel(model: try base.instantiate(numLabels: numLabels, mix: mix, seed: seed), tokenizer: base.tokenizer,
                           directory: directory)
    }

    /// The tokenizer alone (no model weights copied).
    public func tokenizer() throws -> Tokenizer { try cache.base(directory: try directory(), log: log).tokenizer }
}

/// A URL computed once under a lock (failures are not cached, so a failed fetch is retried).
final class ResolvedDirectory: Sendable {
    private let url = Mutex<URL?>(nil)
    func value(_ make: () throws -> URL) throws -> URL {
        try url.withLock { url in
            if let url { return url }
            let made = try make()
            url = made
            return made
        }
    }
}

/// Checkpoint weights loaded once per process and model folder.
public final class ModelCache: Sendable {
    public static let shared = ModelCache()

    final class Base: Sendable {
        let model: BertModel
        let tokenizer: Tokenizer
        /// Whether the checkpoint had pooler weights (else each head model keeps its seeded initialisation,
        /// exactly as `BertModel.load(directory:numLabels:mix:seed:)` would).
        let hasPooler: Bool

        init(model: BertModel, tokenizer: Tokenizer) {
            self.model = model; self.tokenizer = tokenizer
            hasPooler = !model.notes.contains { $0.hasPrefix("pooler.") }
        }

        /// A fresh model with a head: the checkpoint tensors copied in, every other tensor (head, mix, a
        /// pooler the checkpoint lacks) given the seeded initialisation of
        /// `BertModel(config:numLabels:mix:seed:)`. Each tensor draws from its own stream, so skipping the
        /// tensors the checkpoint overwrites (22M normal draws, most of a short job in a debug build)
        /// leaves every value as it was.
        func instantiate(numLabels: Int?, mix: MixConfig?, seed: UInt64) throws -> BertModel {
            let fresh = try BertModel(config: model.config, numLabels: numLabels, mix: mix, seed: seed, initialise: false)
            for target in fresh.layout.tensors {
                if target.group != .pooler || hasPooler, let t = model.layout.tensor(named: target.name), t.count == target.count {
                    fresh.parameters[target.offset].update(from: model.parameters[t.offset], count: t.count)
                } else {
                    fresh.initialise(target)
                }
            }
            return fresh
        }
    }

    private let bases = Mutex<[String: Base]>([:])

    public init() {}

    func base(directory: URL, log: (String) -> Void) throws -> Base {
        try bases.withLock { bases in
            if let base = bases[directory.path] { return base }
            let (model, tokenizer) = try BertModel.loadWithTokenizer(directory: directory)
            for note in model.notes { log("note: \(note)") }
            let base = Base(model: model, tokenizer: tokenizer)
            bases[directory.path] = base
            return base
        }
    }

    /// Drops cached weights (for long-lived processes that move on to other models).
    public func removeAll() { bases.withLock { $0.removeAll() } }
}
