import ArgumentParser
import BermoRuntime
import Foundation

@main
struct Bermo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bermo",
        abstract: "Evaluate, fine-tune and prune BERT and BERMo on CPU.",
        subcommands: [RunCommand.self, SubmitCommand.self, ValidateCommand.self, ExplainCommand.self, CompareCommand.self, MergeCommand.self,
                      ReportCommand.self, StatusCommand.self, EncodeCommand.self, FinetuneCommand.self, ModelCommand.self, DataCommand.self, BenchCommand.self]
    )

    /// Usage errors exit with 2 rather than ArgumentParser's 64, so every command follows one convention:
    /// 0 fine, 1 regression or a failed environment, 2 usage or data error (`CommandFailure`).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                StandardError.write(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            if let failure = CommandFailure(error) { exit(withError: failure.reported()) }
            exit(withError: error)
        }
    }
}
