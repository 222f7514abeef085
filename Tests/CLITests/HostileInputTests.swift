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

    @Test("a message that cannot be written (stderr on a full disk) is lost, not a crash")
    func stderrOnFullDisk() throws {
        let r = try CLI.run(tool: "sh", ["-c", "\(CLI.binary.path) compare /nonexistent/results.json --baseline /nonexistent/b.json 2>/dev/full"])
        #expect(r.exited && r.status == 2, "status \(r.status)")
    }
}
