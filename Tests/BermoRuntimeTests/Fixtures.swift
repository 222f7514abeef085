import BermoTestSupport
import Foundation

/// Committed fixtures live in `Tests/Fixtures`, found relative to this source file so that tests need no bundle.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}
