/// GitHub Actions' workflow commands, the lines a step prints to annotate a run (`::error title=…::message`).
/// The runner splits a line at `::` and a property list at `,` and `=`, and turns `%25`, `%0D`, `%0A` (and, in a
/// property, `%3A` and `%2C`) back into characters; so every value is escaped as its toolkit (`@actions/core`'s
/// `escapeData` / `escapeProperty`) escapes it, or a metric named `a:b`, a message with a newline or a `%` would
/// cut the annotation short or garble it.
enum GitHubWorkflowCommand {
    /// A message: `%`, carriage return and line feed.
    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A property value (`title=…`): as a message, plus `:` and `,`, which end a property.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// `::command key=value,…::message`, one line.
    static func line(_ command: String, properties: KeyValuePairs<String, String>, message: String) -> String {
        let list = properties.map { "\($0.key)=\(escapeProperty($0.value))" }.joined(separator: ",")
        return "::\(command)\(list.isEmpty ? "" : " " + list)::\(escapeData(message))"
    }
}
