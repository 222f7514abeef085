import ArgumentParser
import BermoBench
import BermoHarness
import BermoPlugins
import BermoRuntime
import Foundation

/// `bermo bench <name> [options]`: a speed benchmark, the runtime's own or a plugin's, found through the
/// registry (the CLI names none). Its options are its `Settings`, listed below from the declarations;
/// `--model`, `--threads` and `--data-dir` are common to all. Prints one JSON line per workload.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Speed benchmarks (run in a release build; see BENCHMARKS.md).",
        discussion: "Benchmarks:\n" + Plugins.registry().benchmarks.map { b in
            "\n\(b.name): \(b.summary)\n" + SettingsOptions.help(b.optionDeclarations)
        }.joined(separator: "\n"))

    @Argument(help: "The benchmark (see below).") var name: String
    @OptionGroup var modelOptions: ModelOptions
    @Option(name: .customLong("data-dir"), help: "Data directory holding glue/SST-2 (default $BERMO_DATA or ../shared/data).")
    var dataDir: String?
    @Argument(parsing: .allUnrecognized, help: "The benchmark's own options (see below).") var options: [String] = []

    func run() throws {
        try reportingErrors {
            let context = BenchContext(dataDirectory: DataDirectory.resolve(dataDir)) { numLabels, mix in
                let (model, tokenizer, _) = try modelOptions.load(numLabels: numLabels, mix: mix)
                return (model, tokenizer)
            }
            try Self.run(Plugins.registry().benchmark(name), arguments: options, context: context)
        }
    }

    static func run<B: Benchmark>(_ benchmark: B, arguments: [String], context: BenchContext) throws {
        let options = try SettingsOptions.decode(B.Options.self, from: arguments, command: "bench \(benchmark.name)")
        try benchmark.run(options: options, context: context)
    }
}
