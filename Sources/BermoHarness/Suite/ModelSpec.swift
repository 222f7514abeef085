import BermoRuntime
import Foundation

/// A model a suite evaluates: a registered short name (`minilm-l6`) or a Hugging Face model directory.
public struct ModelSpec: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Pinned by digest in the runtime's registry; fetched into the model cache on first load.
        case registered(RegisteredModel)
        /// A local folder (resolved against the suite file that named it).
        case directory(URL)
    }

    /// The name as written in the suite; what reports and results call the model.
    public var name: String
    public var source: Source
    public var location: SourceLocation

    public init(name: String, source: Source, location: SourceLocation) {
        self.name = name; self.source = source; self.location = location
    }

    /// Registered names with their Hub ids, for error messages.
    static var registeredListing: String {
        RegisteredModel.all.map { "`\($0.name)` (\($0.huggingFaceID))" }.joined(separator: ", ")
    }

    /// Interprets a suite's model string: paths contain a `/` or start with `.` or `~`; anything else
    /// must be a registered name, so a typo gets a suggestion instead of "directory not found".
    static func decode(_ node: ConfigNode, field: String) throws -> ModelSpec {
        let text = try String.decode(node, field: field)
        if text.contains("/") || text.hasPrefix(".") || text.hasPrefix("~") {
            let expanded = (text as NSString).expandingTildeInPath
            let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded, isDirectory: true)
                : node.location.directory.appendingPathComponent(expanded, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SuiteError(node.location, field: field, "the model directory \(url.standardizedFileURL.path) does not exist",
                                 fix: "paths are relative to the suite file; give the folder holding "
                                    + ModelDirectory.contents + ", or a registered model: \(registeredListing)")
            }
            do { try ModelDirectory.validate(url) } catch {
                throw SuiteError(node.location, field: field, "\(error)")
            }
            return ModelSpec(name: text, source: .directory(url.standardizedFileURL), location: node.location)
        }
        guard let registered = RegisteredModel.named(text) else {
            let hint = Suggestions.didYouMean(text, among: RegisteredModel.all.map(\.name))
            throw SuiteError(node.location, field: field, "`\(text)` is not a registered model" + (hint.isEmpty ? "" : " (\(hint))"),
                             fix: "use one of \(registeredListing), or a directory path such as `./models/my-bert`")
        }
        return ModelSpec(name: registered.name, source: .registered(registered), location: node.location)
    }
}

/// Facts about a model that can be read without downloading it.
enum ModelInfo {
    /// The number of encoder layers, from `config.json` of a directory or of an installed registered model.
    static func numHiddenLayers(_ model: ModelSpec) -> Int? {
        let directory: URL
        switch model.source {
        case .directory(let url): directory = url
        case .registered(let registered):
            let store = ModelStore()
            guard store.isInstalled(registered) else { return nil }
            directory = store.directory(for: registered)
        }
        return (try? BertConfig.load(from: directory.appendingPathComponent("config.json")))?.numHiddenLayers
    }
}
