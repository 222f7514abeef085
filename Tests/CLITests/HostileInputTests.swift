import BermoTestSupport
import Foundation
import Testing

/// The real `bermo` given careless or hostile input: every case ends in the right output or in one clear
/// message (file, line, what to do) with the convention's exit code (2 input, 1 environment), never a crash,
/// a hang, a raw Foundation error or a silent wrong result. docs/reliability.md lists the cases.
@Suite("bermo given hostile input (end to end)")
struct HostileInputTests {
    static func encode(_ input: URL, _ output: String, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["encode", "--input", input.path, "--output", output, "--layers", "6", "--pool", "cls", "--threads", "1"] + extra)
    }

    static func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test("encode: CRLF and CR input give one record per line, as LF input does")
    func encodeLineEndings() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let sentences = ["first line", "", "third line"]
        var ids: [[Int]] = []
        for (name, ending) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
            let input = try dir.write(sentences.joined(separator: ending) + ending, to: "\(name).txt")
            let r = try Self.encode(input, dir.file("\(name).jsonl").path)
            #expect(r.status == 0, "\(r.stderr)")
            let records = try Self.lines(dir.file("\(name).jsonl"))
            #expect(records.count == 3, "\(name)")
            ids.append(records.flatMap { $0["input_ids"] as? [Int] ?? [] })
        }
        #expect(ids[1] == ids[0] && ids[2] == ids[0])
    }

    @Test("encode: --pool with no pooling (or one twice) is a usage error before any work", arguments: ["", ",", "cls,cls"])
    func encodeEmptyPooling(_ pool: String) throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let input = try dir.write("a sentence\n", to: "in.txt")
        let r = try CLI.run(["encode", "--input", input.path, "--output", dir.file("out.jsonl").path, "--pool=\(pool)"])
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("--pool"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.jsonl").path))
    }

    @Test("encode --output: a device and a named pipe are written through; a directory is refused; a full disk exits 1")
    func encodeSpecialOutputs() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let input = try dir.write("a sentence\n", to: "in.txt")
        func type(_ path: String, following: Bool = true) -> mode_t {
            var info = stat()
            return (following ? stat(path, &info) : lstat(path, &info)) == 0 ? info.st_mode & S_IFMT : 0
        }
        // Devices through links in the temporary directory: a regression replaces the link, not the device.
        let null = dir.file("null").path, full = dir.file("full").path
        try FileManager.default.createSymbolicLink(atPath: null, withDestinationPath: "/dev/null")
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: "/dev/full")
        let toNull = try Self.encode(input, null)
        #expect(toNull.status == 0, "\(toNull.stderr)")
        #expect(type(null, following: false) == S_IFLNK && type("/dev/null") == S_IFCHR)

        let toFull = try Self.encode(input, full)
        #expect(toFull.exited && toFull.status == 1, "\(toFull.stderr)")
        #expect(toFull.stderr.contains("\(full): cannot write: no space left on the device"), "\(toFull.stderr)")
        #expect(type(full, following: false) == S_IFLNK && type("/dev/full") == S_IFCHR)

        let fifo = dir.file("pipe").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let copy = dir.file("from-pipe.jsonl").path
        let reader = try CLI.run(tool: "sh", ["-c", "timeout 100 cat '\(fifo)' > '\(copy)' & \(CLI.binary.path) encode --input '\(input.path)' --output '\(fifo)' --layers 6 --pool cls; status=$?; wait; exit $status"],
                                 environment: ["BERMO_DATA": DataPaths.root.path])
        #expect(reader.status == 0, "\(reader.stderr)")
        #expect(try Self.lines(URL(fileURLWithPath: copy)).count == 1)
        #expect(type(fifo) == S_IFIFO)

        let folder = dir.file("folder").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let toFolder = try Self.encode(input, folder)
        #expect(toFolder.exited && toFolder.status == 2, "\(toFolder.stderr)")
        #expect(toFolder.stderr.contains("it is a directory"), "\(toFolder.stderr)")
        #expect(!toFolder.stderr.contains("ignored 1 checkpoint tensor"), "the model was loaded before the output was checked")
        #expect(type(folder) == S_IFDIR)
    }

    @Test("encode stopped by Ctrl-C leaves neither an output nor a temporary file, and exits 130")
    func encodeInterrupted() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let input = try dir.write((0..<20_000).map { "sentence number \($0) of a long input file" }.joined(separator: "\n") + "\n", to: "in.txt")
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["encode", "--input", input.path, "--output", dir.file("out.jsonl").path, "--threads", "1"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.runUnblocked()
        func temporaries() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir.url.path)) ?? []).filter { $0.contains(".tmp-") }
        }
        let deadline = Date().addingTimeInterval(120)
        while temporaries().isEmpty && process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        Thread.sleep(forTimeInterval: 2)  // well into the model's loading or encoding
        try #require(process.isRunning, "encode ended before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
        #expect(temporaries().isEmpty, "\(temporaries())")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out.jsonl").path))
    }

    @Test("finetune: CRLF TSVs train; a dev file with no rows is an error, not 'completed' with empty metrics")
    func finetuneTables() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let rows = ["sentence\tlabel", "a fine film\t1", "a dull film\t0", "great acting\t1", "poor plot\t0"]
        let crlf = try dir.write(rows.joined(separator: "\r\n") + "\r\n", to: "crlf.tsv")
        let headerOnly = try dir.write("sentence\tlabel\r\n", to: "empty.tsv")
        let common = ["finetune", "--train", crlf.path, "--max-steps", "1", "--per-device-train-batch-size", "4", "--threads", "1"]
        let trained = try CLI.run(common + ["--dev", crlf.path, "--output-dir", dir.file("ok").path])
        #expect(trained.status == 0, "\(trained.stderr)")
        let empty = try CLI.run(common + ["--dev", headerOnly.path, "--output-dir", dir.file("empty").path])
        #expect(empty.exited && empty.status == 2, "\(empty.stderr)")
        #expect(empty.stderr.contains("empty.tsv: no examples below the header"), "\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("empty/eval_results.json").path))
    }

    @Test("finetune: a label with spaces around it, or a number spelt two ways, is refused instead of becoming a class of its own",
          arguments: [("1 ", "has spaces around it"), (" 0", "has spaces around it"), ("01", "written differently")])
    func finetuneLabelSpellings(_ label: String, _ expected: String) throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let train = try dir.write("sentence\tlabel\ngood\t1\nbad\t0\nfine\t\(label)\n", to: "t.tsv")
        let r = try CLI.run(["finetune", "--train", train.path, "--dev", train.path, "--output-dir", dir.file("out").path, "--max-steps", "1"])
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("t.tsv:4: label '\(label)'") && r.stderr.contains(expected), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("out/eval_results.json").path))
    }

    @Test("validate and finetune list every bad setting of a task at once, each located, not only the first")
    func everyBadSettingIsListed() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let suite = try dir.write("""
            suite: three-bad
            model: minilm-l6
            variants: [bert]
            seeds: [1]
            tasks:
              - task: sst2
                plugin: glue.finetune
                glue_task: sst2
                learning_rate: -1
                max_steps: 0
                per_device_train_batch_size: 0

            """, to: "s.yaml")
        let v = try CLI.run(["validate", suite.path])
        #expect(v.exited && v.status == 2, "\(v.stderr)")
        for (line, key) in [(9, "learning_rate"), (10, "max_steps"), (11, "per_device_train_batch_size")] {
            #expect(v.stderr.contains("\(suite.path):\(line):") && v.stderr.contains("`tasks[sst2].\(key)`: "), "\(v.stderr)")
        }
        #expect(v.stderr.contains("3 error(s)"), "\(v.stderr)")

        let train = try dir.write("sentence\tlabel\ngood\t1\nbad\t0\n", to: "t.tsv")
        let f = try CLI.run(["finetune", "--train", train.path, "--dev", train.path, "--output-dir", dir.file("out").path,
                             "--learning-rate", "-1", "--max-steps", "0"])
        #expect(f.exited && f.status == 2, "\(f.stderr)")
        #expect(f.stderr.contains("`--learning-rate`: -1.0 is out of range") && f.stderr.contains("`--max-steps`: 0 is out of range"), "\(f.stderr)")
    }

    @Test("an --output-dir whose name is too long says so in plain words (no NSCocoaErrorDomain dump), exit 2")
    func finetuneNameTooLong() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let train = try dir.write("sentence\tlabel\ngood\t1\nbad\t0\n", to: "t.tsv")
        let out = dir.file(String(repeating: "o", count: 300)).path
        let r = try CLI.run(["finetune", "--train", train.path, "--dev", train.path, "--output-dir", out, "--max-steps", "1"])
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("the name is too long") && r.stderr.contains("use a shorter name"), "\(r.stderr)")
        #expect(!r.stderr.contains("Error Domain") && !r.stderr.contains("space"), "\(r.stderr)")
    }

    @Test("compare: results of another suite are a usage error (2), not a regression (1)")
    func compareOtherSuite() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let baseline = CLI.packageRoot.appendingPathComponent("suites/baselines/quickstart.json")
        let other = try String(contentsOf: baseline, encoding: .utf8)
            .replacingOccurrences(of: "\"name\" : \"quickstart\"", with: "\"name\" : \"other-suite\"")
            .replacingOccurrences(of: "\"task\" : \"tense\"", with: "\"task\" : \"other_task\"")
        let results = try dir.write(other, to: "results.json")
        let r = try CLI.run(["compare", results.path, "--baseline", baseline.path])
        #expect(r.exited && r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("`other-suite`") && r.stderr.contains("`quickstart`"), "\(r.stderr)")
    }

    @Test("a message that cannot be written (stderr on a full disk) is lost, not a crash")
    func stderrOnFullDisk() throws {
        let r = try CLI.run(tool: "sh", ["-c", "\(CLI.binary.path) compare /nonexistent/results.json --baseline /nonexistent/b.json 2>/dev/full"])
        #expect(r.exited && r.status == 2, "status \(r.status)")
    }

    @Test("a suite's own missing file says what the file must hold, not 'run `<a description>`'")
    func missingOwnFile() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let suite = try dir.write("suite: own\nmodel: minilm-l6\ntasks:\n  - {task: mine, plugin: senteval.probe, file: nowhere.tsv}\n", to: "s.yaml")
        let r = try CLI.run(["run", suite.path, "--output-dir", dir.file("out").path])
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("nowhere.tsv") && r.stderr.contains("split<TAB>label<TAB>sentence"), "\(r.stderr)")
        #expect(!r.stderr.contains("run `a TSV"), "\(r.stderr)")
    }
}
