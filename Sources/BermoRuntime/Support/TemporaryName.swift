import Foundation

/// The hidden temporary a file is written to before it is renamed into place: `.<name>.tmp-<pid>-<random>`
/// in the destination's directory (hidden, so listings of finished files such as `jobs/*.json` skip it; in
/// the same directory, so the rename is atomic). The name part is shortened when needed so the temporary fits
/// in 255 bytes: a destination name of up to 255 bytes is legal, so its temporary must be too.
struct TemporaryName: Sendable {
    let directory: URL
    /// What every temporary of this destination's name starts with: `.<name>.tmp-`.
    let prefix: String

    /// Bytes a file name may have (NAME_MAX on Linux and macOS).
    static let nameLimit = 255
    /// The longest `<pid>-<random>` ending: two 32-bit numbers and a dash.
    static let uniqueLength = 21

    init(for url: URL) {
        directory = url.deletingLastPathComponent()
        var name = Substring(url.lastPathComponent)
        let room = Self.nameLimit - Self.uniqueLength - ".".utf8.count - ".tmp-".utf8.count
        while name.utf8.count > room { name = name.dropLast() }
        prefix = ".\(name).tmp-"
    }

    /// A fresh temporary's URL.
    func unique() -> URL { directory.appendingPathComponent("\(prefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))") }

    /// Whether `name` looks like any destination's temporary (this one's or `SafetensorsWriter`'s, which
    /// names its own the same way).
    static func isTemporary(_ name: String) -> Bool { name.hasPrefix(".") && name.contains(".tmp-") }
}
