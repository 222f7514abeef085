import Foundation

/// A file named by a setting (`file: data/my-task.tsv`): the text as written and the file it names. A
/// suite resolves a relative path against the directory of the file that wrote it (so an inherited default
/// names the same file whichever suite includes it); elsewhere it is relative to the working directory.
public struct SettingPath: SettingValue {
    public var written: String
    public var url: URL

    public init(_ written: String, relativeTo directory: URL?) {
        self.written = written
        let expanded = (written as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") || directory == nil {
            url = URL(fileURLWithPath: expanded).standardizedFileURL
        } else {
            url = directory!.appendingPathComponent(expanded).standardizedFileURL
        }
    }

    public static var expected: String { "a file path" }
    public static var example: String { "data/file.tsv" }
    public init?(setting json: JSONValue) {
        guard case .string(let s) = json, !s.isEmpty else { return nil }
        self.init(s, relativeTo: nil)
    }
    public var settingJSON: JSONValue { .string(written) }
    public static func == (a: Self, b: Self) -> Bool { a.url == b.url }
}
