import ArgumentParser
import BermoRuntime

/// Numeric options that ArgumentParser reads (`--threads`, `--limit`, `--max-length`, …) are checked
/// against the `SettingRule` declared where their concept lives (`Compute.threadsRule`, …), from the
/// commands' `validate()`, and rejected with the message settings options get:
///
///     bermo: error: `--threads`: 0 is out of range; use an integer in 1...1024
///
/// so every out-of-range value on the command line reads the same, exits 2 and does no work.
enum OptionRules {
    /// Throws (after printing the message) when `value` is given and breaks `rule`.
    static func check<V: SettingValue>(_ value: V?, _ rule: SettingRule<V>, option: String) throws {
        guard let value, let problem = rule.violation(value) else { return }
        throw rejected(SettingError(option, problem, fix: "use \(rule.accepted)").description)
    }

    /// Prints `message` as an option error and returns the exit code to throw: ArgumentParser passes an
    /// `ExitCode` thrown from `validate()` through unchanged (no usage text), where any other error would be
    /// wrapped and exit 1.
    static func rejected(_ message: String) -> ExitCode {
        printError("bermo: error: " + message)
        return ExitCode(2)
    }
}
