import Foundation

/// Where datasets are read from: `--data-dir`, else `$BERMO_DATA`, else `../shared/data` (the layout
/// CI and the development machines have). Nothing is ever copied into the project.
enum DataDirectory {
    static func resolve(_ option: String?) -> URL {
        if let option { return URL(fileURLWithPath: option) }
        if let env = ProcessInfo.processInfo.environment["BERMO_DATA"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("../shared/data").standardizedFileURL
    }

    /// Which of the three chose the directory, for "missing dataset" messages.
    static func source(_ option: String?) -> String {
        if option != nil { return "--data-dir" }
        if let env = ProcessInfo.processInfo.environment["BERMO_DATA"], !env.isEmpty { return "$BERMO_DATA" }
        return "the default ../shared/data"
    }
}
