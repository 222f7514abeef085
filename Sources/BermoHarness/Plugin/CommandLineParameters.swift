import BermoRuntime
import Foundation

extension TaskParameters {
    /// Reads `--key value`, `--key=value` and bare `--flag` (meaning true) options of `command` as
    /// parameters, so a command's `Settings` are decoded, range-checked and reported exactly as a suite's:
    /// `--max-seq-length` is the setting `max_seq_length`. Values are read like YAML scalars (`5e-5` a
    /// number, `true` a boolean); a list setting takes comma-separated words (`--tasks cola,sst2`).
    public static func commandLine(_ command: String, arguments: [String]) throws -> TaskParameters {
        var entries: [ConfigEntry] = [], errors: [SuiteError] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i], location = SourceLocation.commandLine(argument: i + 1)
            guard argument.hasPrefix("--"), argument.count > 2 else {
                errors.append(SuiteError(location, field: command, "unexpected argument `\(argument)`",
                                         fix: "options are written `--name value`; see `bermo \(command) --help`"))
                i += 1
                continue
            }
            let body = argument.dropFirst(2)
            let name: Substring, text: String
            if let eq = body.firstIndex(of: "=") {
                name = body[..<eq]; text = String(body[body.index(after: eq)...])
            } else if i + 1 < arguments.count, !arguments[i + 1].hasPrefix("--") {
                name = body; text = arguments[i + 1]; i += 1
            } else {
                name = body; text = "true"
            }
            let key = name.replacingOccurrences(of: "-", with: "_")
            if let first = entries.first(where: { $0.key == key }) {
                errors.append(SuiteError(location, field: "--\(name)", "`--\(name)` is given twice (first at \(first.keyLocation))",
                                         fix: "give it once"))
            }
            entries.append(ConfigEntry(key: key, keyLocation: location, value: ConfigNode(commandLineWord: text, at: location)))
            i += 1
        }
        if errors.count == 1 { throw errors[0] }
        if !errors.isEmpty { throw SuiteErrors(errors) }
        return commandLine(command, entries: entries)
    }
}

extension ConfigNode {
    /// A command-line word read exactly as a plain YAML scalar in a suite is (`YAMLScalar.resolve`), so
    /// `--warmup-ratio 0.1` and `warmup_ratio: 0.1` mean the same; an integer too large for one stays text
    /// and is then reported as the wrong type.
    /// An empty word (`--baseline=`) is the empty string, not YAML's null: on the command line it is a value
    /// given, which the setting's rule then judges, never a silent "use the default".
    public init(commandLineWord text: String, at location: SourceLocation) {
        self.init(text.isEmpty ? .string("") : (try? YAMLScalar.resolve(text)) ?? .string(text), at: location, text: text)
    }

    /// A comma-separated command-line word as a list (`cola,sst2`); an empty word is the empty list.
    func commaSeparatedList() -> ConfigNode {
        guard case .string(let s) = kind else { return ConfigNode(.sequence([self]), at: location, text: text) }
        if s.isEmpty { return ConfigNode(.sequence([]), at: location, text: text) }
        if s.isEmpty { return ConfigNode(.sequence([]), at: location, text: text) }
        let items = s.split(separator: ",", omittingEmptySubsequences: false).map {
            ConfigNode(commandLineWord: $0.trimmingCharacters(in: .whitespaces), at: location)
        }
        return ConfigNode(.sequence(items), at: location, text: text)
    }
}
