import BermoRuntime
import Foundation

/// An analysis across a run's jobs that no single job can compute (convergence speed-ups, pruning
/// stability), offered by the plugin whose jobs it reads: `bermo report <name> <output-dir> [options]`.
/// Its options are a `Settings` struct, so the command line checks them like any other setting.
public protocol RunReport: Sendable {
    associatedtype Options: Settings
    /// The word after `bermo report`, e.g. `convergence`.
    var name: String { get }
    var summary: String { get }
    /// Builds the report from the run's finished jobs.
    func report(_ run: FinishedRun, options: Options) throws -> ReportOutput
}

/// The finished jobs of one output directory, as a report reads them.
public struct FinishedRun: Sendable {
    public let layout: OutputLayout
    /// `results.json` when the run wrote one.
    public let results: ResultsDocument?
    /// The job records of the run: the jobs `results.json` lists (so job files of earlier versions of the
    /// suite stay out) in the suite's order, or every readable job file when there is no results.json.
    public let records: [JobRecord]

    /// Reads `directory`, which must hold a `jobs/` folder written by `bermo run`.
    public init(directory: URL) throws {
        layout = OutputLayout(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.jobs.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HarnessError("\(layout.jobs.path): no jobs folder; pass the output directory of a `bermo run`")
        }
        results = FileManager.default.fileExists(atPath: layout.results.path) ? try ResultsDocument.read(layout.results) : nil
        let store = JobStore(layout)
        if let old = store.otherSchemaVersions().first {
            throw HarnessError("\(old.file.path): a job record of schema \(old.version) (an earlier bermo); this bermo reads schema "
                + "\(JobRecord.schemaVersion). Rerun the suite with this bermo into this or a new output directory (job ids changed, "
                + "so nothing is reused by mistake), then run the report again")
        }
        let all = store.allRecords()
        if let results {
            let byID = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            records = results.jobs.compactMap { byID[$0.id] }
        } else {
            records = all
        }
    }

    /// A run already in memory (`bermo run` writing its reports).
    public init(layout: OutputLayout, results: ResultsDocument?, records: [JobRecord]) {
        self.layout = layout; self.results = results; self.records = records
    }

    /// Records of one plugin.
    public func records(plugin: String) -> [JobRecord] { records.filter { $0.plugin.id == plugin } }

    /// `results.json`, for reports that read its aggregates or comparisons; an error saying how to write it when absent.
    public func requiredResults() throws -> ResultsDocument {
        guard let results else {
            throw HarnessError("\(layout.results.path) does not exist; finish the run (`bermo run … --finalize`) to write it")
        }
        return results
    }
}

/// What a report produced: text for the terminal (and `--markdown`), named files (SVG plots) that the
/// command writes into the plots folder, and pages with a destination of their own (the HTML report).
public struct ReportOutput: Sendable {
    public var text: String
    public var files: [(name: String, contents: String)]
    public var pages: [(url: URL, contents: String)]
    public init(text: String, files: [(name: String, contents: String)] = [], pages: [(url: URL, contents: String)] = []) {
        self.text = text; self.files = files; self.pages = pages
    }
}

/// A dataset a plugin can download, verify and install: `bermo data fetch <name> [options]`.
public protocol DatasetFetcher: Sendable {
    associatedtype Options: Settings
    /// The word after `bermo data fetch`, e.g. `glue`.
    var name: String { get }
    var summary: String { get }
    /// Installs into `dataDirectory` (below which the plugin reads it); returns lines for the terminal.
    func fetch(into dataDirectory: URL, options: Options, log: @escaping @Sendable (String) -> Void) throws -> [String]
}

extension RunReport {
    /// The report's options, for help texts.
    public var optionDeclarations: [SettingDeclaration] { Options.declarations() }
}

extension DatasetFetcher {
    /// The dataset's options, for help texts.
    public var optionDeclarations: [SettingDeclaration] { Options.declarations() }
}
