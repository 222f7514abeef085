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

    /// Usage errors exit with 2 rather than ArgumentParser's 64, so every harness command follows one
    /// convention: 0 fine, 1 regression, 2 usage or data error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
