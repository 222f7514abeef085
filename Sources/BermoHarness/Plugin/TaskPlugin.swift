import Foundation

/// A kind of task the harness can run (SentEval probing, GLUE fine-tuning, …), registered under an id.
///
/// The harness knows no concrete plugin: the CLI registers them in one place. A plugin turns a task's
/// parameters into a `PreparedTask` (checking them, with located errors) and that runs one job at a time.
public protocol TaskPlugin: Sendable {
    /// The id suites name in `plugin:`, e.g. `senteval.probe`.
    var id: String { get }
    /// Part of every job's hash: bump it when a change to the plugin changes its results, and every job
    /// of this plugin reruns instead of being served from earlier job files.
    var version: String { get }
    /// One line for listings (`bermo validate` names the known plugins with it).
    var summary: String { get }

    /// Decodes and checks the task's parameters (typed accessors + `rejectUnknown(allowed:)`), resolving
    /// every default, so that equal effective configurations hash equally. Errors name file:line:column.
    func prepare(_ params: TaskParameters, context: PrepareContext) throws -> any PreparedTask
}

/// A task whose parameters were checked and resolved; it runs jobs (one model × variant × seed each).
public protocol PreparedTask: Sendable {
    /// The fully resolved parameters, defaults included, as JSON. Hashed (canonically) into job ids.
    var configuration: JSONValue { get }
    /// Files the task reads. They are checked to exist before anything runs and their contents are
    /// hashed into job ids, so a changed dataset reruns its jobs.
    var dataFiles: [DataFile] { get }
    /// The metrics `run` reports, with the direction the regression gate treats as better.
    var metrics: [MetricDeclaration] { get }
    /// Runs one job. Throwing means the job failed (it is not recorded and reruns next time); a result
    /// that is a legitimate outcome (diverged training, a variant the task does not apply to) is returned.
    func run(_ job: JobContext) throws -> JobOutcome
}

/// What a plugin may consult while preparing a task.
public struct PrepareContext: Sendable {
    public let taskID: String
    /// The data directory (`--data-dir`, else `$BERMO_DATA`, else `../shared/data`): datasets live below it.
    public let dataDirectory: URL
    /// Where the data directory setting came from, for "missing dataset" messages.
    public let dataDirectorySource: String
    /// The suite file the task was written in; relative paths in parameters resolve against its directory
    /// (`TaskParameters.path` does that per value).
    public let suiteFile: String

    public init(taskID: String, dataDirectory: URL, dataDirectorySource: String = "--data-dir", suiteFile: String) {
        self.taskID = taskID; self.dataDirectory = dataDirectory; self.dataDirectorySource = dataDirectorySource
        self.suiteFile = suiteFile
    }

    /// `relativePath` below the data directory.
    public func dataFile(_ relativePath: String, fetch: String) -> DataFile {
        DataFile(dataDirectory.appendingPathComponent(relativePath), fetchHint: fetch)
    }
}

/// A file a task needs, with the command that fetches it (e.g. `bermo data fetch senteval`).
public struct DataFile: Sendable, Equatable {
    public var url: URL
    public var fetchHint: String
    public init(_ url: URL, fetchHint: String) { self.url = url; self.fetchHint = fetchHint }
}
