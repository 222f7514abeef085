import BermoRuntime
import Foundation

/// Everything a plugin needs to run one job (one model × variant × task × seed), and nothing about how
/// the harness schedules, stores or reports it.
public final class JobContext: Sendable {
    /// The job's id (a content hash; also the name of its result file).
    public let id: String
    public let model: ModelReference
    public let variant: Variant
    public let seed: Int
    /// At most this many examples per split, for quick runs (`--limit`); nil means all.
    public let limit: Int?
    /// A directory for expensive artifacts that later jobs can reuse (encoded features, tokenized data).
    /// Shared across jobs, runs and versions of bermo: key files by everything their content depends on,
    /// `Numerics.version` included (see `FeatureCache`).
    public let cacheDirectory: URL
    /// A directory for this job's own artifacts (checkpoints, logs); kept next to the results.
    public let artifactsDirectory: URL
    /// Whether per-example samples in the outcome are written out (`--log-samples`); plugins may skip
    /// collecting them when false.
    public let logSamples: Bool

    private let progressSink: @Sendable (Double, String) -> Void
    private let logSink: @Sendable (String) -> Void

    public init(id: String, model: ModelReference, variant: Variant, seed: Int, limit: Int?,
                cacheDirectory: URL, artifactsDirectory: URL, logSamples: Bool,
                progress: @escaping @Sendable (Double, String) -> Void = { _, _ in },
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.id = id; self.model = model; self.variant = variant; self.seed = seed
        self.limit = limit; self.cacheDirectory = cacheDirectory
        self.artifactsDirectory = artifactsDirectory; self.logSamples = logSamples
        self.progressSink = progress; self.logSink = log
    }

    /// The seed as the runtime's RNGs take it.
    public var seed64: UInt64 { UInt64(seed) }

    /// Reports how far the job is (0...1) and what it is doing; drives the progress line and its ETA.
    public func progress(_ fraction: Double, _ note: String = "") { progressSink(min(1, max(0, fraction)), note) }

    /// A message for the user, printed above the progress line.
    public func log(_ message: String) { logSink(message) }

    /// The model with this job's head: the variant's head and mix, `numLabels` outputs, initialised from `seed`.
    public func loadModel(numLabels: Int? = nil) throws -> LoadedModel {
        try model.load(numLabels: numLabels, mix: variant.mix, seed: seed64)
    }
}

/// A model with a task head, and its tokenizer.
public struct LoadedModel: Sendable {
    public let model: BertModel
    public let tokenizer: Tokenizer
    public let directory: URL
}
