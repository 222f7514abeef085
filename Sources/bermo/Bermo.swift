import ArgumentParser
import BermoRuntime

@main
struct Bermo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bermo",
        abstract: "Evaluate, fine-tune and prune BERT and BERMo on CPU.",
        subcommands: [EncodeCommand.self, FinetuneCommand.self, ModelCommand.self, BenchCommand.self, DataCommand.self]
    )
}
