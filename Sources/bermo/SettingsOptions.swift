import BermoHarness
import BermoRuntime
import Foundation

/// Commands whose options are a `Settings` struct declared elsewhere (fine-tuning, a report's, a dataset's):
/// the options are read from the arguments ArgumentParser did not recognise, with the same checks and
/// messages as a suite, and listed in the command's help from the declarations, so nothing is restated.
enum SettingsOptions {
    /// Decodes `S` from `arguments` (`--learning-rate 5e-5 …`), starting from `defaults`.
    static func decode<S: Settings>(_ type: S.Type, from arguments: [String], command: String, defaults: S = S()) throws -> S {
        try S.decode(from: TaskParameters.commandLine(command, arguments: arguments), defaults: defaults)
    }

    /// Help lines for `S`'s options: `--name (accepted; default …)` and the setting's help.
    static func help<S: Settings>(_ type: S.Type, defaults: S = S()) -> String { help(S.declarations(defaults: defaults)) }

    static func help(_ declarations: [SettingDeclaration]) -> String {
        declarations.map { d in
            let option = "--" + (d.path + [d.key]).joined(separator: ".").replacingOccurrences(of: "_", with: "-")
            let value = d.defaultValue == .null ? "unset" : d.defaultValue.canonical
            let accepted = d.accepted == d.expected ? d.expected : d.accepted
            return "  \(option) (\(accepted); default \(value))\n      \(d.help)"
        }.joined(separator: "\n")
    }
}
