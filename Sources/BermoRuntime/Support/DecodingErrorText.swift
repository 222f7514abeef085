/// Turns Foundation's `DecodingError`, whose default description is a wall of coding-path dumps, into one
/// short clause ("field 'hidden_size' is missing") that a `RuntimeError` can embed next to the file name.
enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "field \(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return "the top level is not \(typeName(type))"
            }
            return "field \(path(context.codingPath)) has the wrong type (expected \(typeName(type)))"
        case .valueNotFound(let type, let context):
            return "field \(path(context.codingPath)) is null (expected \(typeName(type)))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = context.underlyingError.map { " (\($0))" } ?? ""
                return "it is not valid JSON\(detail)"
            }
            return "field \(path(context.codingPath)) is invalid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `'name'`, `'name'.shape[1]`: tensor names contain dots, so keys are quoted and indices bracketed.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for (position, key) in keys.enumerated() {
            if let index = key.intValue {
                text += "[\(index)]"
            } else if position == 0 {
                text += "'\(key.stringValue)'"
            } else {
                text += ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default:
            "\(type)".hasPrefix("Dictionary") ? "a JSON object" : "\(type)".hasPrefix("Array") ? "a list" : "\(type)"
        }
    }
}
