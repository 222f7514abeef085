import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// Models and checkpoints from other people, through the real commands (in a subprocess: before these
/// fixes several of them crashed): each must end with a clear error naming the file, never a signal, a wrong
/// result with exit 0, or an invalid output file.
@Suite("Hostile models through the command line")
struct HostileModelCommandTests {
    static func encode(model: URL, lines: [String], in dir: URL) throws -> (CLI.Result, input: URL, output: URL) {
        let input = dir.appendingPathComponent("in.txt"), output = dir.appendingPathComponent("out.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let r = try CLI.run(["encode", "--model", model.path, "--input", input.path, "--output", output.path, "--threads", "1"])
        return (r, input, output)
    }

    @Test("a vocab.txt longer than the embedding table: encode refuses at load instead of reading past the table")
    func longerVocabulary() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try ModelFolders.realCopy(in: dir)
        try ModelFolders.editVocabulary(in: folder) { $0 += (1...2000).map { "extra\($0)" } + ["[CLS]"] }
        let (r, _, output) = try Self.encode(model: folder, lines: ["hello extra1999 world"], in: dir)
        #expect(r.exited && r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(folder.appendingPathComponent("vocab.txt").path), "\(r.stderr)")
        #expect(r.stderr.contains("[CLS]") && r.stderr.contains("lines 102 and 32523"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))

        // Without the duplicated [CLS], the length alone is refused.
        try ModelFolders.editVocabulary(in: folder) { $0.removeLast() }
        let (longer, _, _) = try Self.encode(model: folder, lines: ["hello extra1999 world"], in: dir)
        #expect(longer.exited && longer.status == 1, "\(longer.stderr)")
        #expect(longer.stderr.contains("32522 lines") && longer.stderr.contains("30522 rows"), "\(longer.stderr)")
    }
}
