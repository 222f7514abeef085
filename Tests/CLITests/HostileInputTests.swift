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

    @Test("a message that cannot be written (stderr on a full disk) is lost, not a crash")
    func stderrOnFullDisk() throws {
        let r = try CLI.run(tool: "sh", ["-c", "\(CLI.binary.path) compare /nonexistent/results.json --baseline /nonexistent/b.json 2>/dev/full"])
        #expect(r.exited && r.status == 2, "status \(r.status)")
    }
}
