import BermoHarness
import BermoRuntime
import Foundation

/// What the option test knows about every value-taking option of every command (as `bermo
/// --experimental-dump-help` lists them). An option missing here fails the test, so a new option is
/// classified when it is added: text (paths, names, specs with their own parser), a choice of words, or a
/// number, whose rejected values come from the rule declared where its concept lives.
enum CommandOptions {
    enum Kind: Sendable {
        /// Not a number: no range to check.
        case text
        /// One of a fixed set of words: fed one outside it.
        case choice
        /// Checked against a declared rule: fed every value the rule rejects, and a word.
        case number(SettingRule<Int>)
    }

    /// Keyed `command --option` (`run --limit`, `data fetch --data-dir`).
    static let table: [String: Kind] = [
        "run --output-dir": .text, "run --shard": .text, "run --limit": .number(RunOptions.limitRule),
        "run --threads": .number(Compute.threadsRule), "run --data-dir": .text, "run --tolerance": .text,
        "run --max-attempts": .number(RunOptions.maxAttemptsRule),
        "status --max-attempts": .number(RunOptions.maxAttemptsRule), "status --lease-timeout": .number(RunOptions.leaseTimeoutRule),
        "run --lease-timeout": .number(RunOptions.leaseTimeoutRule),
        "validate --data-dir": .text,
        "submit slurm --output-dir": .text, "submit slurm --array": .number(SlurmCommandRules.array), "submit slurm --partition": .text,
        "submit slurm --account": .text, "submit slurm --time": .text, "submit slurm --cpus-per-task": .number(Compute.threadsRule),
        "submit slurm --mem": .text, "submit slurm --qos": .text, "submit slurm --sbatch-arg": .text,
        "submit slurm --max-attempts": .number(RunOptions.maxAttemptsRule), "submit slurm --lease-timeout": .number(RunOptions.leaseTimeoutRule),
        "submit slurm --limit": .number(RunOptions.limitRule), "submit slurm --data-dir": .text,
        "explain --data-dir": .text, "explain --output-dir": .text, "explain --limit": .number(RunOptions.limitRule),
        "compare --baseline": .text, "compare --tolerance": .text, "compare --format": .choice,
        "merge --output": .text,
        "report --markdown": .text, "report --plots": .text,
        "encode --model": .text, "encode --threads": .number(Compute.threadsRule), "encode --input": .text, "encode --output": .text,
        "encode --layers": .text, "encode --pool": .text, "encode --max-length": .number(SentenceEncoder.maxLengthRule),
        "encode --batch-size": .number(SentenceEncoder.batchSizeRule),
        "finetune --model": .text, "finetune --threads": .number(Compute.threadsRule), "finetune --train": .text,
        "finetune --dev": .text, "finetune --text-column": .text, "finetune --text-pair-column": .text,
        "finetune --label-column": .text, "finetune --head": .choice, "finetune --seed": .number(SeededRandom.seedRule),
        "finetune --output-dir": .text, "finetune --predictions": .text,
        "data fetch --data-dir": .text,
        "bench --model": .text, "bench --threads": .number(Compute.threadsRule), "bench --data-dir": .text,
    ]

    /// Commands left out: `help` is ArgumentParser's.
    static let skipped: Set<String> = ["help"]

    /// A command's options from `--experimental-dump-help` (ArgumentParser's ToolInfo JSON, version 0).
    struct ToolInfo: Decodable {
        struct Command: Decodable {
            let commandName: String
            let subcommands: [Command]?
            let arguments: [Argument]?
        }
        struct Argument: Decodable {
            struct Name: Decodable { let kind: String; let name: String }
            let kind: String
            let names: [Name]?
        }
        let command: Command

        /// Every command below the root (`run`, `data fetch`, …) with its value-taking options' long names.
        func commands() -> [(path: String, options: [String])] {
            func walk(_ c: Command, _ path: [String]) -> [(path: String, options: [String])] {
                guard !skipped.contains(path.first ?? "") else { return [] }
                let options = (c.arguments ?? []).filter { $0.kind == "option" }
                    .compactMap { $0.names?.first { $0.kind == "long" }.map { "--" + $0.name } }
                return (path.isEmpty ? [] : [(path.joined(separator: " "), options)])
                    + (c.subcommands ?? []).flatMap { walk($0, path + [$0.commandName]) }
            }
            return walk(command, [])
        }
    }
}
