import Foundation

/// Turns Foundation's `DecodingError`, whose default description is a wall of coding-path dumps, into one
/// short clause ("field 'hidden_size' is missing") that a `RuntimeError` can embed next to the file name.
public enum DecodingErrorText {
    /// - Parameter data: the decoded bytes, when at hand: Foundation (on Linux) reports a number that does not
    ///   fit its field (2.5 or 1e30 where an integer belongs) as "not valid JSON" with no field; with the bytes,
    ///   valid JSON is told apart and the message says what it is.
    /// - Parameter snakeCaseKeys: the decoder converted the file's snake_case keys (`convertFromSnakeCase`), so
    ///   fields are named as the file spells them, not as the Swift properties are.
    public static func describe(_ error: DecodingError, in data: Data? = nil, snakeCaseKeys: Bool = false) -> String {
        func field(_ keys: [any CodingKey]) -> String { path(keys, snakeCase: snakeCaseKeys) }
        switch error {
        case .keyNotFound(let key, let context):
            return "field \(field(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return "the top level is not \(typeName(type))"
            }
            return "field \(field(context.codingPath)) has the wrong type (expected \(typeName(type)))"
        case .valueNotFound(let type, let context):
            return "field \(field(context.codingPath)) is null (expected \(typeName(type)))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                if let data, (try? JSONSerialization.jsonObject(with: data)) != nil {
                    return "a number does not fit its field (a fraction, or a number too large, where an integer belongs)"
                }
                let detail = context.underlyingError.map { " (\($0))" } ?? ""
                return "it is not valid JSON\(detail)"
            }
            return "field \(field(context.codingPath)) is invalid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `'name'`, `'name'.shape[1]`: tensor names contain dots, so keys are quoted and indices bracketed.
    static func path(_ keys: [any CodingKey], snakeCase: Bool = false) -> String {
        var text = ""
        for (position, key) in keys.enumerated() {
            let name = snakeCase ? snakeCased(key.stringValue) : key.stringValue
            if let index = key.intValue {
                text += "[\(index)]"
            } else if position == 0 {
                text += "'\(name)'"
            } else {
                text += ".\(name)"
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

    /// `globalStep` → `global_step`, as `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase` writes it.
    private static func snakeCased(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase, !out.isEmpty { out += "_" }
            out += character.lowercased()
        }
        return out
    }
}
