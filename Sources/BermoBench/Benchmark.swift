import BermoRuntime
import Foundation

/// A speed benchmark: `bermo bench <name> [options]`. BermoBench offers the runtime's own (`encode`,
/// `train`, `kernels`); plugins offer theirs through `TaskPlugin.benchmarks`, so the command line names
/// none of them. Options are a `Settings` struct, so they get the same range checks and messages as
/// any other setting, and the command's help lists them from the declarations.
public protocol Benchmark: Sendable {
    associatedtype Options: Settings
    /// The word after `bermo bench`, e.g. `encode`.
    var name: String { get }
    var summary: String { get }
    /// Runs the workloads, timing each with `BenchTimer` and writing one `context.emit` record per workload.
    func run(options: Options, context: BenchContext) throws
}

extension Benchmark {
    /// The benchmark's options, for help texts.
    public var optionDeclarations: [SettingDeclaration] { Options.declarations() }
}

/// What a benchmark gets from the command line besides its own options: the model (`--model`,
/// `--threads`), the data directory (`--data-dir`) and where its records go.
public struct BenchContext {
    /// Datasets live below it (`glue/SST-2/...`).
    public let dataDirectory: URL
    private let load: (_ numLabels: Int?, _ mix: MixConfig?) throws -> (BertModel, Tokenizer)
    private let output: (String) -> Void

    /// `loadModel` resolves the chosen model (a registered name or a directory), configures `Compute`
    /// with the chosen thread count and loads it; `output` receives each record's JSON line.
    public init(dataDirectory: URL,
                loadModel: @escaping (_ numLabels: Int?, _ mix: MixConfig?) throws -> (BertModel, Tokenizer),
                output: @escaping (String) -> Void = { print($0) }) {
        self.dataDirectory = dataDirectory; load = loadModel; self.output = output
    }

    /// The chosen model and its tokenizer: an encoder (no labels), or a classifier with a fresh head.
    public func loadModel(numLabels: Int? = nil, mix: MixConfig? = nil) throws -> (model: BertModel, tokenizer: Tokenizer) {
        try load(numLabels, mix)
    }

    /// A binary classifier with the `head` variant, as the training benchmarks time it.
    public func loadClassifier(head: HeadVariant) throws -> (model: BertModel, tokenizer: Tokenizer) {
        try loadModel(numLabels: 2, mix: head == .bermo ? MixConfig() : nil)
    }

    /// Writes one record (see `BenchRecord`).
    public func emit(_ fields: [String: Any]) throws { output(try BenchRecord.line(fields)) }
}
