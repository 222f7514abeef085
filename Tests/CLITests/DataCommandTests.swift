import BermoTestSupport
import Foundation
import Testing

/// `bermo data fetch glue`, offline paths only (no test touches the network).
@Suite("bermo data fetch glue (offline)")
struct DataCommandTests {
    @Test("an unknown task, a missing --from file, and an existing folder kept as it is")
    func offline() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let unknown = try CLI.run(["data", "fetch", "glue", "--tasks", "squad", "--data-dir", dir.path])
        #expect(unknown.status == 2 && unknown.stderr.contains("`squad` is not one of") && unknown.stderr.contains("--tasks"), "\(unknown.stderr)")

        let empty = dir.appendingPathComponent("downloads")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let missing = try CLI.run(["data", "fetch", "glue", "--tasks", "wnli", "--from", empty.path, "--data-dir", dir.path])
        #expect(missing.status != 0 && missing.stderr.contains("WNLI.zip") && missing.stderr.contains(empty.path))

        let rte = dir.appendingPathComponent("glue/RTE")
        try FileManager.default.createDirectory(at: rte, withIntermediateDirectories: true)
        for f in ["train.tsv", "dev.tsv"] { try Data("x".utf8).write(to: rte.appendingPathComponent(f)) }
        let kept = try CLI.run(["data", "fetch", "glue", "--tasks", "RTE", "--data-dir", dir.path])
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stdout.contains("rte\tkept existing files"))
    }
}
