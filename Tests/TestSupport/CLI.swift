import Foundation

/// Runs the built `bermo` executable (the tests build it: `swift build --build-tests` builds every product).
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        for config in ["debug", "release"] {
            let url = packageRoot.appendingPathComponent(".build/\(config)/bermo")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/bermo")
    }

    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static func run(_ arguments: [String], cwd: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.currentDirectoryURL = cwd ?? packageRoot
        var env = ProcessInfo.processInfo.environment
        env["BERMO_DATA"] = env["BERMO_DATA"] ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bermo-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
