import ArgumentParser
import BermoHarness
import BermoRuntime
import Foundation

/// How a command that failed ends: the one message (`bermo: error: …`, in `ErrorText`'s words) and the exit
/// code of the convention every command follows: 1 when the environment failed (a full disk, an I/O error),
/// 2 when the input or the options are wrong, 128 + signal when stopped by SIGINT or SIGTERM.
struct CommandFailure {
    let message: String
    let status: Int32

    /// Nil for ArgumentParser's own errors (usage, help, `ExitCode`), which it prints itself.
    init?(_ error: any Error) {
        switch FileError(foundation: error) ?? error {
        case let stop as Interrupted:
            message = "bermo: \(stop); nothing half-done was kept"
            status = 128 + stop.signal
        case let file as FileError:
            message = "bermo: error: \(file)"
            status = file.isEnvironmentFailure ? 1 : 2
        case is RuntimeError, is HarnessError, is TextFileError, is ValidationFailure, is SettingError, is SuiteError,
             is SuiteErrors, is SettingsErrors, is DecodingError:
            message = "bermo: error: \(ErrorText.describe(error))"
            status = 2
        default:
            return nil
        }
    }

    /// Prints the message; throw the result to end the command with the status, letting every `defer` and
    /// `deinit` on the way out run (an `OutputFile` removes its temporary).
    func reported() -> ExitCode {
        StandardError.write(message + "\n")
        return ExitCode(status)
    }
}

/// A user-facing error from the CLI: printed as is, exit code 2.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
