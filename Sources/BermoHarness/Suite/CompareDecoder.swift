/// Reads `compare:` — `[{variant: bermo, against: bert}, …]`, the pairs of variants whose per-seed
/// differences results report. Absent: each variant against `bert` (`VariantPair.defaults`); `[]`: none.
struct CompareDecoder {
    let diagnostics: Diagnostics

    /// nil when the suite does not declare pairs.
    func decode(_ entry: ConfigEntry?, variants: [Variant]) -> [VariantPair]? {
        guard let entry else { return nil }
        let node = entry.value
        if case .null = node.kind { return nil }
        guard let items = node.items else {
            diagnostics.error(SuiteError(node.location, field: "compare", "expected a list of variant pairs, found \(node.kindDescription)",
                                         fix: "write e.g. `compare: [{variant: bermo, against: bert}]`"))
            return []
        }
        let names = variants.map(\.name)
        var pairs: [VariantPair] = []
        for (i, item) in items.enumerated() {
            guard let pair = diagnostics.capture(at: item.location, { try decodePair(item, field: "compare[\(i)]", names: names) }) else { continue }
            if pairs.contains(pair) {
                diagnostics.error(SuiteError(item.location, field: "compare[\(i)]", "`\(pair.variant)` against `\(pair.against)` is listed twice",
                                             fix: "remove the duplicate"))
            } else {
                pairs.append(pair)
            }
        }
        return pairs
    }

    func decodePair(_ node: ConfigNode, field: String, names: [String]) throws -> VariantPair {
        guard let entries = node.entries else {
            throw SuiteError(node.location, field: field, "expected a mapping `{variant: …, against: …}`, found \(node.kindDescription)",
                             fix: "write e.g. `- {variant: bermo, against: bert}`")
        }
        try SuiteErrors.checkKeys(entries, allowed: SuiteKeys.compare, field: field, what: "key",
                                  fix: "a pair has `variant` (compared) and `against` (the reference)")
        func name(_ key: String) throws -> String {
            guard let value = node[key] else {
                throw SuiteError(node.location, field: "\(field).\(key)", "missing required field `\(key)`",
                                 fix: "write e.g. `{variant: bermo, against: bert}`")
            }
            let text = try String.decode(value, field: "\(field).\(key)")
            guard names.contains(text) else {
                let hint = Suggestions.didYouMean(text, among: names)
                throw SuiteError(value.location, field: "\(field).\(key)", "no variant is named `\(text)`" + (hint.isEmpty ? "" : " (\(hint))"),
                                 fix: "use one of the suite's variants: \(names.joined(separator: ", "))")
            }
            return text
        }
        let pair = VariantPair(variant: try name("variant"), against: try name("against"))
        if pair.variant == pair.against {
            throw SuiteError(node.location, field: field, "`\(pair.variant)` is compared against itself", fix: "name two different variants")
        }
        return pair
    }
}
