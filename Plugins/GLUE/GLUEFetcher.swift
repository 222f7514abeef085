import BermoHarness
import BermoRuntime
import Foundation

/// `bermo data fetch glue`: GLUE's official archives, each checked against its published size and SHA-256,
/// installed into `<data-dir>/glue/<TASK>/`, where `glue.finetune` reads them.
public struct GLUEFetcher: DatasetFetcher {
    public struct Options: Settings {
        @Setting("tasks", .nonEmpty(), help: "The tasks to fetch, comma-separated (run_glue or GLUE folder names); default: all nine.")
        public var tasks: [GLUETaskID] = GLUETaskID.allCases
        @Setting("from", help: "Install from files already downloaded into this folder (matched by file name) instead of the network; verified the same way.")
        public var from: SettingPath? = nil
        @Setting("force", help: "Replace a task folder that already has files, even one this command did not verify.")
        public var force = false
        public init() {}
    }

    public init() {}
    public var name: String { "glue" }
    public var summary: String { "GLUE (nine tasks): download, check size and SHA-256, install into <data-dir>/glue." }

    public func fetch(into dataDirectory: URL, options: Options, log: @escaping @Sendable (String) -> Void) throws -> [String] {
        let transport = options.from.map { GLUEDownloads.localTransport($0.url) } ?? GLUEDownloads.defaultTransport
        let outcomes = try GLUEDownloads.fetch(options.tasks, dataDirectory: dataDirectory, force: options.force, transport: transport, log: log)
        return options.tasks.compactMap { id in
            switch outcomes[id] {
            case .installed(let url, let bytes)?: "\(id.rawValue)\tinstalled\t\(url.path)\t\(bytes) bytes verified"
            case .alreadyPresent(let url)?: "\(id.rawValue)\talready present (verified)\t\(url.path)"
            case .keptUnverified(let url)?: "\(id.rawValue)\tkept existing files (unverified; --force replaces them)\t\(url.path)"
            case nil: nil
            }
        }
    }
}
