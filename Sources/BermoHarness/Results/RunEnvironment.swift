import BermoRuntime
import Foundation

/// Where results were produced: enough to explain a difference between two machines' numbers.
public struct RunEnvironment: Codable, Sendable, Equatable {
    public var os: String
    public var kernel: String
    public var architecture: String
    public var cores: Int
    public var threads: Int
    public var swiftVersion: String
    /// OpenBLAS's kernel family (`Haswell`, `SkylakeX`, …): it changes speed and the last bits of results.
    public var blasCore: String?

    enum CodingKeys: String, CodingKey { case os, kernel, architecture, cores, threads, swiftVersion = "swift_version", blasCore = "blas_core" }

    public static func current(threads: Int) -> RunEnvironment {
        var info = utsname()
        uname(&info)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return RunEnvironment(os: ProcessInfo.processInfo.operatingSystemVersionString, kernel: "\(text(info.sysname)) \(text(info.release))",
                              architecture: text(info.machine), cores: ProcessInfo.processInfo.activeProcessorCount,
                              threads: threads, swiftVersion: compilerVersion, blasCore: BLASCore.name)
    }

    /// The compiler that built this binary (SwiftPM offers no build-time variables, but `#if compiler` does).
    static var compilerVersion: String {
        #if compiler(>=6.4)
        return "6.4+"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }
}

/// The harness version and the git commit of the checkout it runs in.
public enum BermoVersion {
    /// The release. Job records computed by another release are not reused unless the user says so
    /// (`bermo run --reuse-other-versions`), since any code between them may have changed results.
    public static let version = "0.2.0"

    /// The commit, read once per process.
    public static let commit = gitCommit()

    /// `git rev-parse HEAD` of the working directory's checkout (with `-dirty` when it has uncommitted
    /// changes), or "unknown" outside a checkout or without git. Read at run time: SwiftPM cannot embed it.
    public static func gitCommit(in directory: String = FileManager.default.currentDirectoryPath) -> String {
        guard let head = run(["git", "-C", directory, "rev-parse", "HEAD"]), head.count == 40 else { return "unknown" }
        let status = run(["git", "-C", directory, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? head : head + "-dirty"
    }

    static func run(_ arguments: [String]) -> String? {
        guard let r = try? ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), arguments), r.status == 0 else { return nil }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// What computed a result: bermo's release and commit, and the runtime's numerics version.
public struct BermoInfo: Codable, Sendable, Equatable {
    public var version: String
    public var gitCommit: String
    /// `Numerics.version` (absent in results of bermo 0.1).
    public var numerics: Int?

    enum CodingKeys: String, CodingKey { case version, gitCommit = "git_commit", numerics }

    public static var current: BermoInfo {
        BermoInfo(version: BermoVersion.version, gitCommit: BermoVersion.commit, numerics: Numerics.version)
    }
}
