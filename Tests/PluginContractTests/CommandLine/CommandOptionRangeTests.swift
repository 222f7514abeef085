import BermoHarness
import BermoPlugins
import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// Every command of the built CLI, given each of its numeric options (and every setting of the
/// settings-driven commands: `finetune`, each `report <name>`, `data fetch <name>` and `bench <name>`) a value its rule
/// rejects, exits with status 2 (no crash, no success), names the option on stderr, and writes nothing.
@Suite struct CommandOptionRangeTests {
    /// Inputs the invocations read; each invocation writes (if it wrongly runs) only below its own
    /// output folder and working directory, which must stay empty.
    struct Workspace: Sendable {
        let root: TemporaryDirectory
        let suite: URL, input: URL, train: URL, dev: URL, runDirectory: URL, noData: URL

        init() throws {
            root = try TemporaryDirectory("option-ranges")
            // A valid suite whose data directory is empty: were an option not checked, its job would be skipped and exit 0.
            suite = try root.write("suite: ranges\nmodel: minilm-l6\ntasks:\n  - {task: sst2, plugin: glue.finetune}\n", to: "inputs/suite.yaml")
            input = try root.write("a sentence\n", to: "inputs/sentences.txt")
            train = try root.write("sentence\tlabel\ngood\t1\nbad\t0\n", to: "inputs/train.tsv")
            dev = try root.write("sentence\tlabel\nfine\t1\n", to: "inputs/dev.tsv")
            runDirectory = root.file("inputs/run")
            noData = root.file("inputs/no-data")
            for folder in [runDirectory.appendingPathComponent("jobs"), noData] {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
        }

        /// A valid invocation of `command` writing below `out`, for commands with options to feed.
        func base(_ command: String, out: URL) -> [String]? {
            switch command {
            case "run": ["run", suite.path, "--output-dir", out.appendingPathComponent("run").path, "--data-dir", noData.path]
            case "explain": ["explain", suite.path, "--output-dir", out.appendingPathComponent("run").path, "--data-dir", noData.path]
            case "encode": ["encode", "--input", input.path, "--output", out.appendingPathComponent("encoded.jsonl").path]
            case "bench": ["bench", "kernels", "--data-dir", noData.path]
            case "status": ["status", runDirectory.path]
            case "compare": ["compare", runDirectory.path, "--baseline", runDirectory.path]
            case "submit slurm": ["submit", "slurm", suite.path, "--output-dir", out.appendingPathComponent("run").path, "--data-dir", noData.path, "--dry-run"]
            case "finetune": ["finetune", "--train", train.path, "--dev", dev.path, "--output-dir", out.appendingPathComponent("finetune").path,
                              "--predictions", out.appendingPathComponent("logits.jsonl").path]
            default: nil
            }
        }
    }

    /// One invocation with one bad value for `option`.
    struct Case: Sendable {
        let option: String
        let value: String
        /// The invocation, given its output folder.
        let arguments: @Sendable (URL) -> [String]
    }

    /// A value as a command-line word: numbers as written, lists comma-separated (the empty list is the empty word).
    static func word(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .array(let items): items.map(word).joined(separator: ",")
        case .double(let d): "\(d)"
        default: value.canonical
        }
    }

    /// A word of the wrong kind for a setting, when there is one (any word is a valid name or path).
    static func wrongWord(_ d: SettingDeclaration) -> String? {
        if d.isNumber { return "abc" }
        if d.expected == Bool.expected { return "maybe" }
        if d.expected.contains("one of") { return "nonsense" }
        return nil
    }

    /// Runs every case in its own output folder and working directory and checks the contract.
    func check(_ cases: [Case], in workspace: Workspace) {
        let failures = inParallel(Array(cases.enumerated())) { item -> String? in
            let (i, c) = item
            let out = workspace.root.file("out-\(i)"), cwd = workspace.root.file("cwd-\(i)")
            let arguments = c.arguments(out) + ["\(c.option)=\(c.value)"]
            let shown = "bermo " + arguments.joined(separator: " ")
            do {
                try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
                let r = try CLI.run(arguments, cwd: cwd)
                var problems: [String] = []
                if !r.exited { problems.append("killed by signal \(r.status) (a crash)") }
                else if r.status != 2 { problems.append("exit status \(r.status), expected 2") }
                if !r.stderr.contains(c.option) { problems.append("stderr does not name \(c.option)") }
                let written = ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [])
                    + ((try? FileManager.default.contentsOfDirectory(atPath: cwd.path)) ?? [])
                if !written.isEmpty { problems.append("wrote \(written.joined(separator: ", "))") }
                return problems.isEmpty ? nil : "\(shown): \(problems.joined(separator: "; "))\n\(r.stderr)"
            } catch {
                return "\(shown): \(error)"
            }
        }
        for failure in failures.compactMap({ $0 }) { Issue.record("\(failure)") }
    }

    static func commands() throws -> [(path: String, options: [String])] {
        let dump = try CLI.run(["--experimental-dump-help"])
        try #require(dump.status == 0, "\(dump.stderr)")
        return try JSONDecoder().decode(CommandOptions.ToolInfo.self, from: Data(dump.stdout.utf8)).commands()
    }

    @Test("every value-taking option of every command is classified in CommandOptions.table")
    func everyOptionIsClassified() throws {
        let commands = try Self.commands()
        #expect(commands.contains { $0.path == "data fetch" } && commands.contains { $0.path == "run" })
        var listed: Set<String> = []
        for (path, options) in commands {
            for option in options {
                listed.insert("\(path) \(option)")
                #expect(CommandOptions.table["\(path) \(option)"] != nil,
                        "`bermo \(path) \(option)` is not in CommandOptions.table: classify it (text, choice, or a number with its declared rule)")
            }
        }
        #expect(Set(CommandOptions.table.keys).subtracting(listed).isEmpty, "CommandOptions.table lists options the CLI no longer has")
    }

    @Test("each numeric or choice option out of range exits 2, names the option and writes nothing")
    func argumentParserOptions() throws {
        let workspace = try Workspace()
        defer { workspace.root.cleanup() }
        var cases: [Case] = []
        for (path, options) in try Self.commands() {
            for option in options {
                let values: [String]
                switch CommandOptions.table["\(path) \(option)"] {
                case .number(let rule)?: values = rule.counterexamples.map(Self.word) + ["abc"]
                case .choice?: values = ["nonsense"]
                case .text?, nil: continue
                }
                guard workspace.base(path, out: workspace.root.url) != nil else {
                    Issue.record("`bermo \(path)` has options to check but no base invocation in Workspace.base"); continue
                }
                cases += values.map { v in Case(option: option, value: v) { workspace.base(path, out: $0)! } }
            }
        }
        #expect(cases.count >= 20)
        check(cases, in: workspace)
    }

    @Test("each setting of finetune, every report, dataset and benchmark out of range exits 2, names the option and writes nothing")
    func settingsOptions() throws {
        let workspace = try Workspace()
        defer { workspace.root.cleanup() }
        let registry = Plugins.registry()
        var commands: [(declarations: [SettingDeclaration], base: @Sendable (URL) -> [String])] = [
            (FineTuneConfig.declarations(), { workspace.base("finetune", out: $0)! }),
        ]
        for report in registry.reports {
            let name = report.name
            commands.append((report.optionDeclarations, { out in
                ["report", name, workspace.runDirectory.path, "--markdown", out.appendingPathComponent("report.md").path,
                 "--plots", out.appendingPathComponent("plots").path]
            }))
        }
        for benchmark in registry.benchmarks {
            let name = benchmark.name
            commands.append((benchmark.optionDeclarations, { _ in ["bench", name, "--data-dir", workspace.noData.path] }))
        }
        for dataset in registry.datasets {
            let name = dataset.name
            commands.append((dataset.optionDeclarations, { out in ["data", "fetch", name, "--data-dir", out.appendingPathComponent("data").path] }))
        }
        var cases: [Case] = []
        for (declarations, base) in commands {
            for d in declarations {
                #expect(d.path.isEmpty, "`\(d.dottedKey)` is in a group, which the command line cannot write")
                let option = "--" + d.key.replacingOccurrences(of: "_", with: "-")
                let values = d.counterexamples.map(Self.word) + (Self.wrongWord(d).map { [$0] } ?? [])
                cases += values.map { Case(option: option, value: $0, arguments: base) }
            }
        }
        #expect(cases.count >= 40)
        check(cases, in: workspace)
    }
}
