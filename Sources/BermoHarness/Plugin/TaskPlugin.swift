import BermoBench
import BermoRuntime
import Foundation

/// A kind of task the harness can run (SentEval probing, GLUE fine-tuning, …), registered under an id.
///
/// The harness knows no concrete plugin: `BermoPlugins` registers them in one file. A plugin declares its
/// parameters once, as a `Settings` struct (`Config`); the harness decodes a task's parameters into it
/// with located errors and unknown-key checks, and the plugin turns the decoded value into a
/// `PreparedTask` that runs one job at a time. Cross-job reports, sections of the HTML report, dataset fetching
/// and speed benchmarks are optional parts.
public protocol TaskPlugin: Sendable {
    associatedtype Config: Settings
    /// The id suites name in `plugin:`, e.g. `senteval.probe`.
    var id: String { get }
    /// The plugin's results version, part of every job id: bump it whenever a change to the plugin changes
    /// what its jobs compute, so no job of an older version is ever reused. `PluginVersionTests` fails
    /// when the plugin's golden outputs change while this stays the same.
    var version: Int { get }
    /// One line for listings (`bermo validate` names the known plugins with it).
    var summary: String { get }

    /// Checks that need more than the parameters (the data directory, the task id) and resolves the
    /// defaults that depend on them; the resolved settings are what gets hashed into job ids.
    func prepare(_ config: Config, context: PrepareContext) throws -> any PreparedTask

    /// Analyses across a run's jobs (`bermo report <name> <output-dir>`), found through the registry.
    var reports: [any RunReport] { get }
    /// What the plugin adds to a run's HTML report (`report.html`), found through the registry.
    var reportSections: [any ReportSectionProvider] { get }
    /// Datasets the plugin can download and verify (`bermo data fetch <name>`).
    var datasets: [any DatasetFetcher] { get }
    /// Speed benchmarks of what the plugin adds to the runtime (`bermo bench <name>`).
    var benchmarks: [any Benchmark] { get }
}

extension TaskPlugin {
    public var reports: [any RunReport] { [] }
    public var reportSections: [any ReportSectionProvider] { [] }
    public var datasets: [any DatasetFetcher] { [] }
    public var benchmarks: [any Benchmark] { [] }

    /// The declarations of the task parameters (`Config`), for help texts and for the tests that feed
    /// every parameter of every registered plugin a value out of range.
    public var configDeclarations: [SettingDeclaration] { Config.declarations() }

    /// Decodes `params` into `Config` (located errors) and prepares the task; a `SettingError` from
    /// `prepare` is located at the setting it names.
    public func prepare(_ params: TaskParameters, context: PrepareContext) throws -> any PreparedTask {
        let config = try Config.decode(from: params)
        do { return try prepare(config, context: context) } catch let e as SettingError {
            throw params.error(e.key, e.message, fix: e.fix)
        }
    }
}

/// A task whose parameters were checked and resolved; it runs jobs (one model × variant × seed each).
public protocol PreparedTask: Sendable {
    /// The task's settings with every default resolved. Its result-changing part is the task's
    /// `configuration`, hashed into job ids.
    var settings: any Settings { get }
    /// Files the task reads. They are checked to exist before anything runs and their contents are
    /// hashed into job ids, so a changed dataset reruns its jobs.
    var dataFiles: [DataFile] { get }
    /// The metrics `run` reports, with the direction the regression gate treats as better.
    var metrics: [MetricDeclaration] { get }
    /// Runs one job. Throwing means the job failed (it is not recorded and reruns next time); a result
    /// that is a legitimate outcome (diverged training, a variant the task does not apply to) is returned.
    func run(_ job: JobContext) throws -> JobOutcome
}

extension PreparedTask {
    /// The resolved settings that change results, as JSON: hashed (canonically) into job ids and stored
    /// in every job record. Derived from the decoded value, never assembled by hand.
    public var configuration: JSONValue { settings.settingsJSON(resultsOnly: true) }
}

/// What a plugin may consult while preparing a task.
public struct PrepareContext: Sendable {
    public let taskID: String
    /// The data directory (`--data-dir`, else `$BERMO_DATA`, else `../shared/data`): datasets live below it.
    public let dataDirectory: URL
    /// Where the data directory setting came from, for "missing dataset" messages.
    public let dataDirectorySource: String
    /// The suite file the task was written in; relative paths in parameters resolve against its directory.
    public let suiteFile: String

    public init(taskID: String, dataDirectory: URL, dataDirectorySource: String = "--data-dir", suiteFile: String) {
        self.taskID = taskID; self.dataDirectory = dataDirectory; self.dataDirectorySource = dataDirectorySource
        self.suiteFile = suiteFile
    }

    /// `relativePath` below the data directory.
    public func dataFile(_ relativePath: String, fetch: String) -> DataFile {
        DataFile(dataDirectory.appendingPathComponent(relativePath), fetch: fetch)
    }

}

/// A file a task needs, and how a missing one is obtained: by a command that fetches it, or, for the user's
/// own file, by making it (messages then describe its format instead of offering a command to run).
public struct DataFile: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Downloaded by a command (`bermo data fetch senteval`).
        case fetched(command: String)
        /// The user's own file, with what it must contain.
        case userFile(format: String)
    }

    public var url: URL
    public var source: Source

    public init(_ url: URL, fetch command: String) { self.url = url; source = .fetched(command: command) }
    public init(_ url: URL, userFile format: String) { self.url = url; source = .userFile(format: format) }

    /// What to do when the file is missing, as a clause: "fetch it with `…`" or "create it, or correct its path: …".
    public var remedy: String {
        switch source {
        case .fetched(let command): "fetch it with `\(command)`"
        case .userFile(let format): "create it, or correct its path (relative to the suite file): \(format)"
        }
    }

    /// The command that fetches it, if one does.
    public var fetchCommand: String? {
        if case .fetched(let command) = source { return command }
        return nil
    }
}
