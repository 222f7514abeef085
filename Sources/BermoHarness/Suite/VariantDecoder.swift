import BermoRuntime

/// Reads `variants:`: a list of `bert` / `bermo` shorthands or mappings with `name`, `head` and `mix`.
struct VariantDecoder {
    let diagnostics: Diagnostics

    /// The default when a suite names no variants: the comparison bermo exists for.
    static let defaults = [Variant(name: "bert", head: .bert), Variant(name: "bermo", head: .bermo)]

    func decodeList(_ entry: ConfigEntry?) -> ([Variant], [String: SourceLocation]) {
        guard let entry else { return (Self.defaults, [:]) }
        guard let items = entry.value.items else {
            diagnostics.error(SuiteError(entry.value.location, field: "variants", "expected a list of variants, found \(entry.value.kindDescription)",
                                         fix: "write e.g. `variants: [bert, bermo]`"))
            return ([], [:])
        }
        if items.isEmpty {
            diagnostics.error(SuiteError(entry.value.location, field: "variants", "the list is empty", fix: "write e.g. `variants: [bert, bermo]`"))
        }
        var variants: [Variant] = [], locations: [String: SourceLocation] = [:]
        for (i, node) in items.enumerated() {
            guard let variant = diagnostics.capture(at: node.location, { try decode(node, field: "variants[\(i)]") }) else { continue }
            if let first = locations[variant.name] {
                diagnostics.error(SuiteError(node.location, field: "variants[\(i)]", "the variant name `\(variant.name)` is already used at \(first)",
                                             fix: "give each variant its own `name:`"))
                continue
            }
            variants.append(variant)
            locations[variant.name] = node.location
        }
        return (variants, locations)
    }

    func decode(_ node: ConfigNode, field: String) throws -> Variant {
        switch node.kind {
        case .string(let text):
            return Variant(name: text, head: try head(text, node: node, field: field))
        case .mapping(let entries):
            try SuiteErrors.checkKeys(entries, allowed: SuiteKeys.variant, suggestions: SuiteKeys.variant + SuiteKeys.mix, field: field,
                                      what: "variant key", fix: "a variant has `name`, `head` and (for bermo) `mix`; mix options go under `mix:`")
            guard let headNode = node["head"] else {
                throw SuiteError(node.location, field: "\(field).head", "missing required field `head`", fix: "add `head: bert` or `head: bermo`")
            }
            let headText = try String.decode(headNode, field: "\(field).head")
            let head = try head(headText, node: headNode, field: "\(field).head")
            let name = try node["name"].map { try String.decode($0, field: "\(field).name") } ?? headText
            guard Identifier.isValid(name) else {
                throw SuiteError(node["name"]?.location ?? node.location, field: "\(field).name", "the variant name `\(name)` is not usable in file names", fix: Identifier.rule)
            }
            var mix: MixConfig?
            if let mixNode = node["mix"] {
                guard head == .bermo else {
                    throw SuiteError(mixNode.location, field: "\(field).mix", "`mix` only applies to `head: bermo` (a bert head reads the last layer)",
                                     fix: "remove `mix:` or set `head: bermo`")
                }
                mix = try decodeMix(mixNode, field: "\(field).mix")
            }
            return Variant(name: name, head: head, mix: mix)
        default:
            throw SuiteError(node.location, field: field, "expected `bert`, `bermo` or a mapping with `name`, `head`, `mix`; found \(node.kindDescription)",
                             fix: "write e.g. `- bert` or `- {name: bermo-last4, head: bermo, mix: {layers: [3, 4, 5, 6]}}`")
        }
    }

    func head(_ text: String, node: ConfigNode, field: String) throws -> HeadVariant {
        if let head = HeadVariant(rawValue: text) { return head }
        let hint = Suggestions.didYouMean(text, among: HeadVariant.allCases.map(\.rawValue))
        throw SuiteError(node.location, field: field, "unknown head `\(text)`" + (hint.isEmpty ? "" : " (\(hint))"),
                         fix: "use `bert` (last layer [CLS]) or `bermo` (learned mix of all layers); to name a variant use `{name: \(text), head: bermo}`")
    }

    func decodeMix(_ node: ConfigNode, field: String) throws -> MixConfig {
        if case .null = node.kind { return MixConfig() }
        guard let entries = node.entries else {
            throw SuiteError(node.location, field: field, "expected a mapping of mix options, found \(node.kindDescription)",
                             fix: "write e.g. `mix: {layers: [0, 1, 2], layer_norm: true}`")
        }
        try SuiteErrors.checkKeys(entries, allowed: SuiteKeys.mix, field: field, what: "mix option",
                                  fix: "mix options are: \(SuiteKeys.mix.joined(separator: ", "))")
        var mix = MixConfig()
        if let n = node["layers"], n.kind != .null {
            let layers = try [Int].decode(n, field: "\(field).layers")
            if layers.isEmpty {
                throw SuiteError(n.location, field: "\(field).layers", "the list is empty",
                                 fix: "list hidden-state indices (0 = embeddings), or remove `layers` to mix all of them")
            }
            for (i, l) in layers.enumerated() where l < 0 {
                throw SuiteError(n.items?[i].location ?? n.location, field: "\(field).layers[\(i)]", "\(l) is not a hidden-state index",
                                 fix: "use 0 (embeddings) up to the model's number of layers")
            }
            if Set(layers).count != layers.count {
                throw SuiteError(n.location, field: "\(field).layers", "an index is listed twice: \(layers)", fix: "list each layer once")
            }
            mix.layers = layers
        }
        if let n = node["include_embedding"] { mix.includeEmbedding = try Bool.decode(n, field: "\(field).include_embedding") }
        if let n = node["initial_weights"], n.kind != .null {
            let weights = try [Double].decode(n, field: "\(field).initial_weights")
            if let layers = mix.layers, layers.count != weights.count {
                throw SuiteError(n.location, field: "\(field).initial_weights", "\(weights.count) weights for \(layers.count) layers",
                                 fix: "give one initial weight (a logit, before softmax) per mixed layer")
            }
            mix.initialWeights = weights.map(Float.init)
        }
        if let n = node["initial_gamma"] {
            let gamma = try Double.decode(n, field: "\(field).initial_gamma")
            guard gamma.isFinite else { throw SuiteError(n.location, field: "\(field).initial_gamma", "must be finite", fix: "use e.g. `1.0`") }
            mix.initialGamma = Float(gamma)
        }
        if let n = node["layer_norm"] { mix.layerNorm = try Bool.decode(n, field: "\(field).layer_norm") }
        if let n = node["trainable"] { mix.trainable = try Bool.decode(n, field: "\(field).trainable") }
        return mix
    }
}
