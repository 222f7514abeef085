import Foundation

/// One suite file's top-level entries, in the order files are merged (an included file comes before the
/// file that includes it, so the includer's values win).
struct SuiteFileLayer {
    var file: String
    var entries: [ConfigEntry]
    subscript(key: String) -> ConfigEntry? { entries.first { $0.key == key } }
}

/// Reads a suite file and, depth first, the files it includes; detects cycles and missing files.
struct IncludeResolver {
    let diagnostics: Diagnostics
    private(set) var layers: [SuiteFileLayer] = []
    /// Whether an included file could not be read (its fields are then unknown, not missing).
    private(set) var incomplete = false
    private var seen: Set<String> = []

    init(diagnostics: Diagnostics) { self.diagnostics = diagnostics }

    /// - Parameters:
    ///   - displayPath: the file as messages name it (relative to the working directory if the user gave it so).
    ///   - stack: the chain of includes that led here, for cycle messages.
    mutating func read(_ displayPath: String, includedAt: SourceLocation?, stack: [String]) {
        let url = URL(fileURLWithPath: displayPath)
        let key = url.standardizedFileURL.resolvingSymlinksInPath().path
        if let cycleStart = stack.firstIndex(of: key), let includedAt {
            let chain = (stack[cycleStart...].map { PathText.relative($0) } + [PathText.relative(key)]).joined(separator: " → ")
            diagnostics.error(SuiteError(includedAt, field: "include", "include cycle: \(chain)",
                                         fix: "remove one of these includes; shared settings belong in a file that includes nothing back"))
            return
        }
        // A file included twice along different paths (a diamond) contributes once.
        guard !seen.contains(key) else { return }
        seen.insert(key)

        guard FileManager.default.fileExists(atPath: url.path) else {
            if let includedAt {
                incomplete = true
                diagnostics.error(SuiteError(includedAt, field: "include", "the included file \(displayPath) does not exist",
                                             fix: "include paths are relative to the file that includes them; check the name"))
            } else {
                diagnostics.error(SuiteError(.start(of: displayPath), "the suite file does not exist", fix: "check the path"))
            }
            return
        }
        let root: ConfigNode
        do { root = try YAMLFile.load(url, displayPath: displayPath) } catch {
            diagnostics.record(error, at: .start(of: displayPath))
            if includedAt != nil { incomplete = true }
            return
        }
        guard let entries = root.entries else {
            if includedAt != nil { incomplete = true }
            diagnostics.error(SuiteError(root.location, "a suite file must be a mapping of `key: value` lines, found \(root.kindDescription)",
                                         fix: "start with `suite: my-suite`"))
            return
        }
        for entry in entries where !SuiteKeys.all.contains(entry.key) {
            let hint = Suggestions.didYouMean(entry.key, among: SuiteKeys.all)
            diagnostics.error(SuiteError(entry.keyLocation, field: entry.key, "unknown top-level key `\(entry.key)`" + (hint.isEmpty ? "" : " (\(hint))"),
                                         fix: "a suite's keys are: \(SuiteKeys.all.joined(separator: ", "))"))
        }
        let layer = SuiteFileLayer(file: displayPath, entries: entries.filter { SuiteKeys.all.contains($0.key) })
        if let include = layer["include"] {
            let paths: [ConfigNode]
            switch include.value.kind {
            case .string: paths = [include.value]
            case .sequence(let items): paths = items
            case .null: paths = []
            default:
                diagnostics.error(SuiteError(include.value.location, field: "include", "expected a list of file paths, found \(include.value.kindDescription)",
                                             fix: "write `include: [common.yaml]`"))
                paths = []
            }
            for node in paths {
                guard let relative = diagnostics.capture(at: node.location, { try String.decode(node, field: "include") }) else { continue }
                read(PathText.join(PathText.directory(of: displayPath), relative), includedAt: node.location, stack: stack + [key])
            }
        }
        layers.append(layer)
    }
}

/// Lexical path joining that keeps relative paths relative, so messages show paths the way the user typed them.
enum PathText {
    static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    static func join(_ directory: String, _ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return normalise(expanded) }
        return normalise(directory == "." ? expanded : directory + "/" + expanded)
    }

    /// Removes `.` components and folds `dir/..` pairs (keeping leading `..`).
    static func normalise(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute, parts.isEmpty { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// An absolute path shown relative to the working directory when it lies below it.
    static func relative(_ absolute: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return absolute.hasPrefix(cwd) ? String(absolute.dropFirst(cwd.count)) : absolute
    }
}
