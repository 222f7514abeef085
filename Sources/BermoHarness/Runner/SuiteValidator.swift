import Foundation

/// `bermo validate` and `bermo explain`: load, check and prepare a suite without running anything.
public struct SuiteValidator {
    public let registry: PluginRegistry
    public let dataDirectory: URL
    public let dataDirectorySource: String

    public init(registry: PluginRegistry, dataDirectory: URL, dataDirectorySource: String = "--data-dir") {
        self.registry = registry; self.dataDirectory = dataDirectory; self.dataDirectorySource = dataDirectorySource
    }

    public struct Report: Sendable {
        public let prepared: PreparedSuite
        /// Problems that do not stop a run from being planned (missing data files are reported here).
        public let warnings: [String]
        public let jobCount: Int
    }

    /// Loads and prepares `path`; throws `SuiteErrors` listing every problem (suite structure and plugin
    /// parameters together) when there is any.
    public func prepare(_ path: String) throws -> PreparedSuite {
        let diagnostics = Diagnostics()
        guard let suite = SuiteLoader().load(path, diagnostics: diagnostics) else {
            try diagnostics.throwIfErrors()
            throw SuiteErrors([SuiteError(.start(of: path), "the suite could not be read")])
        }
        let prepared = SuitePreparer(registry: registry, dataDirectory: dataDirectory, dataDirectorySource: dataDirectorySource)
            .prepare(suite, diagnostics: diagnostics)
        try diagnostics.throwIfErrors()
        return prepared
    }

    public func validate(_ path: String) throws -> Report {
        let prepared = try prepare(path)
        var warnings: [String] = []
        for task in prepared.tasks {
            for f in task.prepared.dataFiles where !FileManager.default.fileExists(atPath: f.url.path) {
                warnings.append("\(task.spec.location): warning: task `\(task.id)` needs \(f.url.path), which does not exist "
                    + "(data directory from \(dataDirectorySource)); \(f.remedy) before `bermo run`")
            }
        }
        let s = prepared.suite
        return Report(prepared: prepared, warnings: warnings, jobCount: s.models.count * prepared.tasks.count * s.variants.count * s.seeds.count)
    }
}
