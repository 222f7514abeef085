import BermoRuntime

/// Reading a `SettingValue` from a located YAML node: the value's type comes from the runtime's
/// declaration, the location and the advice for the mistakes people make come from here.
extension SettingValue {
    /// Decodes `node`, throwing a located `SuiteError` that names `field` when it has the wrong type.
    public static func decode(_ node: ConfigNode, field: String) throws -> Self {
        if let value = Self(setting: node.json) { return value }
        throw mismatch(node, field: field)
    }

    /// "expected an integer, found a string ("3")", with advice fitted to the slip.
    static func mismatch(_ node: ConfigNode, field: String) -> SuiteError {
        // A list with one bad element: point at the element.
        if let list = Self.Checked.self as? any SettingList.Type, let items = node.items,
           let bad = list.firstMismatch(items, field: field) {
            return bad
        }
        if let choice = Self.Checked.self as? any SettingChoice.Type, case .string(let word) = node.kind {
            let words = choice.words
            let hint = Suggestions.didYouMean(word, among: words)
            return SuiteError(node.location, field: field,
                              "`\(word)` is not one of \(words.map { "`\($0)`" }.joined(separator: ", "))" + (hint.isEmpty ? "" : " (\(hint))"),
                              fix: "use one of: \(words.joined(separator: ", "))")
        }
        var hint: String?
        let scalar: Bool
        switch node.kind {
        case .bool, .int, .double: scalar = true
        default: scalar = false
        }
        if scalar && Self.Checked.self == String.self {
            // YAML 1.1 reads `no`, `on`, `1.0` as booleans and numbers; quoting keeps them text.
            hint = "quote it to make it text: `\"\(node.text)\"`"
        } else if case .string(let s) = node.kind, let number = Int(s).map({ JSONValue.int($0) }) ?? Double(s).map({ .double($0) }),
                  Self(setting: number) != nil {
            hint = "remove the quotes: `\(s)`"
        } else if node.items == nil && node.entries == nil && Self.Checked.self is any SettingList.Type {
            // A single value where a list is expected is a common slip; say so rather than guess.
            hint = "write a list, e.g. `[\(node.text.isEmpty ? "…" : node.text)]`"
        }
        return SuiteError(node.location, field: field, "expected \(expected), found \(node.kindDescription)",
                          fix: hint ?? (field.hasSuffix("]") ? "write \(expected), e.g. `\(example)`"
                              : "write e.g. `\(field.split(separator: ".").last.map(String.init) ?? field): \(example)`"))
    }
}

/// Lists, so a mismatch inside one is reported at the element that does not fit.
protocol SettingList {
    static func firstMismatch(_ items: [ConfigNode], field: String) -> SuiteError?
}

extension Array: SettingList where Element: SettingValue {
    static func firstMismatch(_ items: [ConfigNode], field: String) -> SuiteError? {
        for (i, item) in items.enumerated() where Element(setting: item.json) == nil {
            return Element.mismatch(item, field: "\(field)[\(i)]")
        }
        return nil
    }
}
