import Foundation

/// The record a completed fetch leaves in a cached model folder, written after every check has passed.
///
/// Its presence with the expected digest is what "installed" means: `ModelStore.resolve` trusts a folder that
/// has it after only cheap checks (file sizes), so the second run does not re-hash 90 MB. Because the folder is
/// renamed into place only after the marker is written, no reader ever sees a marker beside partial files.
struct VerifiedMarker: Codable, Equatable {
    static let fileName = ".bermo-verified.json"

    var model: String
    var pipRequirement: String
    var wheelSha256: String
    var safetensorsSha256: String
    var safetensorsBytes: Int
    var verifiedAt: String

    static func read(in directory: URL) -> VerifiedMarker? {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent(fileName)) else { return nil }
        return try? JSONDecoder().decode(VerifiedMarker.self, from: data)
    }

    func write(in directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let url = directory.appendingPathComponent(Self.fileName)
        try AtomicFile.write(encoder.encode(self), to: url)
    }
}
