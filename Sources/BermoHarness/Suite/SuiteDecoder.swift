import BermoRuntime
import Foundation

/// Turns merged suite layers into a `Suite`, checking each field's type and values.
struct SuiteDecoder {
    let layers: [SuiteFileLayer]
    let rootFile: String
    let diagnostics: Diagnostics
    /// An include could not be read: required fields may live there, so their absence is not reported.
    var incomplete = false

    /// The last (winning) entry for `key` across layers.
    func last(_ key: String) -> ConfigEntry? { layers.reversed().lazy.compactMap { $0[key] }.first }

    func decode() -> Suite? {
        let rootStart = SourceLocation.start(of: rootFile)
        let name = decodeName(rootStart)
        let description = last("description").flatMap { e in diagnostics.capture(at: e.value.location) { try String?.decodeOptional(e.value, field: "description") } } ?? nil
        let models = decodeModels(rootStart)
        let (variants, variantLocations) = VariantDecoder(diagnostics: diagnostics).decodeList(last("variants"))
        let seeds = decodeSeeds()
        let defaults = decodeDefaults()
        let tasks = TaskDecoder(diagnostics: diagnostics, defaults: defaults).decode(layers: layers, rootStart: rootStart, incomplete: incomplete)
        let outputDirectory = decodePath("output_dir", mustExist: false)
        let baseline = decodePath("baseline", mustExist: true)
        let tolerance = ToleranceDecoder(diagnostics: diagnostics).decode(layers.compactMap { $0["tolerance"] })
        let compare = CompareDecoder(diagnostics: diagnostics).decode(last("compare"), variants: variants)
        checkMixLayers(variants: variants, locations: variantLocations, models: models)
        return Suite(name: name ?? "unnamed", description: description, file: rootFile,
                     files: [rootFile] + layers.map(\.file).filter { $0 != rootFile },
                     models: models, variants: variants, seeds: seeds, defaults: defaults, tasks: tasks,
                     outputDirectory: outputDirectory, baseline: baseline, tolerance: tolerance, compare: compare)
    }

    func decodeName(_ rootStart: SourceLocation) -> String? {
        guard let entry = last("suite") else {
            if incomplete { return nil }
            diagnostics.error(SuiteError(rootStart, field: "suite", "missing required field `suite` (the suite's name)",
                                         fix: "add `suite: my-suite` at the top of \(rootFile)"))
            return nil
        }
        guard let name = diagnostics.capture(at: entry.value.location, { try String.decode(entry.value, field: "suite") }) else { return nil }
        guard Identifier.isValid(name) else {
            diagnostics.error(SuiteError(entry.value.location, field: "suite", "the name `\(name)` is not usable in file names",
                                         fix: Identifier.rule))
            return nil
        }
        return name
    }

    func decodeModels(_ rootStart: SourceLocation) -> [ModelSpec] {
        // The last file that names models decides; one file may not use both spellings.
        guard let layer = layers.reversed().first(where: { $0["model"] != nil || $0["models"] != nil }) else {
            if incomplete { return [] }
            diagnostics.error(SuiteError(rootStart, field: "model", "missing required field `model` (or `models`)",
                                         fix: "add `model: minilm-l6` (a registered name) or `models: [minilm-l6, ./path/to/bert]`"))
            return []
        }
        if let single = layer["model"], layer["models"] != nil {
            diagnostics.error(SuiteError(single.keyLocation, field: "model", "both `model` and `models` are given",
                                         fix: "keep one: `model: name` for one model, `models: [a, b]` for several"))
            return []
        }
        if let single = layer["model"] {
            return diagnostics.capture(at: single.value.location) { [try ModelSpec.decode(single.value, field: "model")] } ?? []
        }
        let entry = layer["models"]!
        guard let items = entry.value.items else {
            diagnostics.error(SuiteError(entry.value.location, field: "models", "expected a list of models, found \(entry.value.kindDescription)",
                                         fix: "write `models: [minilm-l6]`, or `model: minilm-l6` for one"))
            return []
        }
        if items.isEmpty {
            diagnostics.error(SuiteError(entry.value.location, field: "models", "the list is empty", fix: "name at least one model"))
        }
        var models: [ModelSpec] = []
        for (i, node) in items.enumerated() {
            guard let model = diagnostics.capture(at: node.location, { try ModelSpec.decode(node, field: "models[\(i)]") }) else { continue }
            if models.contains(where: { $0.name == model.name }) {
                diagnostics.error(SuiteError(node.location, field: "models[\(i)]", "the model `\(model.name)` is listed twice", fix: "remove one"))
            } else {
                models.append(model)
            }
        }
        return models
    }

    func decodeSeeds() -> [Int] {
        guard let entry = last("seeds") else { return [0] }
        let node = entry.value
        guard let items = node.items else {
            diagnostics.error(SuiteError(node.location, field: "seeds", "expected a list of integers, found \(node.kindDescription)",
                                         fix: "write e.g. `seeds: [1, 2, 3]`"))
            return []
        }
        if items.isEmpty {
            diagnostics.error(SuiteError(node.location, field: "seeds", "the list is empty", fix: "give at least one seed, e.g. `seeds: [0]`"))
        }
        var seeds: [Int] = []
        for (i, item) in items.enumerated() {
            guard let seed = diagnostics.capture(at: item.location, { try Int.decode(item, field: "seeds[\(i)]") }) else { continue }
            if let problem = SeededRandom.seedRule.violation(seed) {
                diagnostics.error(SuiteError(item.location, field: "seeds[\(i)]", problem, fix: "use \(SeededRandom.seedRule.accepted)"))
            } else if seeds.contains(seed) {
                diagnostics.error(SuiteError(item.location, field: "seeds[\(i)]", "the seed \(seed) is listed twice", fix: "remove the duplicate"))
            } else {
                seeds.append(seed)
            }
        }
        return seeds
    }

    /// `defaults` of all files merged key by key (later files win).
    func decodeDefaults() -> [ConfigEntry] {
        var merged: [ConfigEntry] = []
        for layer in layers {
            guard let entry = layer["defaults"] else { continue }
            if case .null = entry.value.kind { continue }
            guard let entries = entry.value.entries else {
                diagnostics.error(SuiteError(entry.value.location, field: "defaults", "expected a mapping of parameter values, found \(entry.value.kindDescription)",
                                             fix: "write `defaults:` followed by indented `name: value` lines"))
                continue
            }
            for e in entries {
                if e.key == "task" {
                    diagnostics.error(SuiteError(e.keyLocation, field: "defaults.task", "`task` cannot have a default: it is each task's unique id",
                                                 fix: "remove it from `defaults` and give every task its own `task:`"))
                    continue
                }
                merged.removeAll { $0.key == e.key }
                merged.append(e)
            }
        }
        return merged
    }

    func decodePath(_ key: String, mustExist: Bool) -> URL? {
        guard let entry = last(key) else { return nil }
        if case .null = entry.value.kind { return nil }
        guard let text = diagnostics.capture(at: entry.value.location, { try String.decode(entry.value, field: key) }) else { return nil }
        let expanded = (text as NSString).expandingTildeInPath
        let url = (expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : entry.value.location.directory.appendingPathComponent(expanded)).standardizedFileURL
        if mustExist && !FileManager.default.fileExists(atPath: url.path) {
            diagnostics.error(SuiteError(entry.value.location, field: key, "\(url.path) does not exist",
                                         fix: "paths are relative to the suite file; point it at a results.json from an earlier `bermo run`, or remove `\(key)`"))
        }
        return url
    }

    /// Mix layers are checked against each model whose config can be read without downloading anything.
    func checkMixLayers(variants: [Variant], locations: [String: SourceLocation], models: [ModelSpec]) {
        for model in models {
            guard let numLayers = ModelInfo.numHiddenLayers(model) else { continue }
            for variant in variants {
                guard let mix = variant.mix else { continue }
                do { _ = try mix.resolvedLayers(numLayers: numLayers) } catch {
                    let location = locations[variant.name] ?? model.location
                    diagnostics.error(SuiteError(location, field: "variants[\(variant.name)].mix",
                                                 "\(error) (model `\(model.name)` has \(numLayers) layers)",
                                                 fix: "use hidden-state indices 0...\(numLayers) (0 = embeddings)"))
                }
            }
        }
    }
}

/// Ids and names used in file names and job keys: letters, digits and `._-+`.
enum Identifier {
    static let rule = "use letters, digits, `.`, `_`, `-` and `+` only (it becomes part of file names)"
    static func isValid(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-+".unicodeScalars.contains($0) }
    }
}

extension Optional where Wrapped == String {
    /// A string or an explicit `null`.
    static func decodeOptional(_ node: ConfigNode, field: String) throws -> String? {
        if case .null = node.kind { return nil }
        return try String.decode(node, field: field)
    }
}
