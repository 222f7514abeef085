import BermoRuntime

/// One model variant a suite compares: a name, the classification head, and for BERMo the layer mix.
public struct Variant: Sendable, Equatable {
    public var name: String
    public var head: HeadVariant
    /// Always set for `bermo` (the defaults of `MixConfig` when the suite gives no `mix:`), nil for `bert`.
    public var mix: MixConfig?

    public init(name: String, head: HeadVariant, mix: MixConfig? = nil) {
        self.name = name; self.head = head
        self.mix = head == .bermo ? (mix ?? MixConfig()) : nil
    }

    /// The variant as JSON with the suite file's snake_case names; part of every job hash.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["name": .string(name), "head": .string(head.rawValue)]
        if let mix { object["mix"] = Variant.json(mix) }
        return .object(object)
    }

    static func json(_ mix: MixConfig) -> JSONValue {
        var object: [String: JSONValue] = [
            "include_embedding": .bool(mix.includeEmbedding), "initial_gamma": .double(Double(mix.initialGamma)),
            "layer_norm": .bool(mix.layerNorm), "trainable": .bool(mix.trainable),
        ]
        object["layers"] = mix.layers.map { .array($0.map { .int($0) }) } ?? .null
        object["initial_weights"] = mix.initialWeights.map { .array($0.map { .double(Double($0)) }) } ?? .null
        return .object(object)
    }

    /// Reads the form written by `json` (job files, results).
    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let head = json["head"]?.stringValue.flatMap(HeadVariant.init) else { return nil }
        var mix: MixConfig?
        if let m = json["mix"], case .object = m {
            mix = MixConfig(
                layers: m["layers"]?.arrayValue?.compactMap(\.intValue),
                includeEmbedding: m["include_embedding"].flatMap { if case .bool(let b) = $0 { b } else { nil } } ?? true,
                initialWeights: m["initial_weights"]?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) },
                initialGamma: Float(m["initial_gamma"]?.doubleValue ?? 1),
                layerNorm: m["layer_norm"].flatMap { if case .bool(let b) = $0 { b } else { nil } } ?? false,
                trainable: m["trainable"].flatMap { if case .bool(let b) = $0 { b } else { nil } } ?? true)
        }
        self.init(name: name, head: head, mix: mix)
    }

    /// "bermo (layers 0...6, layer norm)" style one-liner for reports and `explain`.
    public var summary: String {
        guard let mix else { return "\(name): head bert (last layer [CLS])" }
        var parts: [String] = []
        if let layers = mix.layers { parts.append("layers \(layers.map(String.init).joined(separator: ","))") }
        else { parts.append(mix.includeEmbedding ? "all layers + embeddings" : "all layers") }
        if let w = mix.initialWeights { parts.append("initial weights \(w)") }
        if mix.initialGamma != 1 { parts.append("gamma \(mix.initialGamma)") }
        if mix.layerNorm { parts.append("layer norm") }
        if !mix.trainable { parts.append("frozen") }
        return "\(name): head bermo, mix " + parts.joined(separator: ", ")
    }
}
