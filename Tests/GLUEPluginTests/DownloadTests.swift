import BermoTestSupport
import BermoRuntime
import Foundation
import GLUEPlugin
import Testing

@Suite("GLUE downloads (offline logic only)")
struct DownloadTests {
    @Test("one download per task, each with a published size and a 64-hex-digit SHA-256")
    func table() {
        #expect(Set(GLUEDownloads.archives.map(\.task)) == Set(GLUETaskID.allCases))
        for a in GLUEDownloads.archives {
            for f in a.files {
                #expect(f.url.scheme == "https" && f.url.host == "dl.fbaipublicfiles.com", "\(f.url)")
                #expect(f.bytes > 0)
                #expect(f.sha256.count == 64 && f.sha256.allSatisfy { "0123456789abcdef".contains($0) })
            }
        }
        #expect(GLUEDownloads.archive(for: .mnli).files[0].bytes == 312_783_507)
    }

    @Test("the pinned MRPC source checksums are those of the copies in shared/data")
    func mrpcChecksumsMatchSharedCopies() throws {
        let files = GLUEDownloads.archive(for: .mrpc).files
        let train = try #require(files.first { $0.fileName == "msr_paraphrase_train.txt" })
        let ids = try #require(files.first { $0.fileName == "mrpc_dev_ids.tsv" })
        try GLUEDownloads.verify(DataPaths.glue("MRPC/original/msr_paraphrase_train.txt"), against: train)
        try GLUEDownloads.verify(DataPaths.glue("MRPC/original/dev_ids.tsv"), against: ids)
    }

    @Test("MRPC's TSVs rebuilt from the sources equal GLUE's byte for byte")
    func mrpcBuild() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        try GLUEDownloads.buildMRPC(train: DataPaths.glue("MRPC/original/msr_paraphrase_train.txt"), test: nil,
                                    devIds: DataPaths.glue("MRPC/original/dev_ids.tsv"), into: tmp.url)
        // sha256 of shared/data's glue/MRPC/train.tsv and dev.tsv (its MANIFEST).
        #expect(try Digest.sha256(of: tmp.file("train.tsv")) == "69abcedee3cf738c6ce58d772e43e1b7cdf5b4edee4aceda459c0d9f4e5599f3")
        #expect(try Digest.sha256(of: tmp.file("dev.tsv")) == "9e8f284788040f7c9ecde2e1b3c07237c756f926bd9ef8548ef5d34b56f69f17")
    }

    /// A zip holding RTE/train.tsv and RTE/dev.tsv, and its download entry.
    static func fakeRTE(in tmp: TemporaryDirectory) throws -> (URL, GLUEArchive) {
        let src = tmp.file("src")
        _ = try tmp.write("index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tc\td\tnot_entailment\n", to: "src/RTE/train.tsv")
        _ = try tmp.write("index\tsentence1\tsentence2\tlabel\n0\te\tf\tentailment\n", to: "src/RTE/dev.tsv")
        let zip = tmp.file("RTE.zip")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-m", "zipfile", "-c", zip.path, src.appendingPathComponent("RTE").path]
        try p.run(); p.waitUntilExit()
        let bytes = try #require(try FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int)
        let entry = GLUEDownloadFile(url: URL(string: "https://dl.fbaipublicfiles.com/glue/data/RTE.zip")!, bytes: bytes,
                                     sha256: try Digest.sha256(of: zip))
        return (zip, GLUEArchive(task: .rte, kind: .zip(folder: "RTE"), files: [entry]))
    }

    @Test("verified archive installs atomically; a second fetch finds it; --force replaces")
    func installs() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let (zip, archive) = try Self.fakeRTE(in: tmp)
        let data = tmp.file("data")
        let copy: GLUEDownloads.Transport = { _, to in try FileManager.default.copyItem(at: zip, to: to) }
        let first = try GLUEDownloads.fetch([.rte], dataDirectory: data, archives: [archive], transport: copy)
        #expect(first[.rte] == .installed(data.appendingPathComponent("glue/RTE", isDirectory: true), bytes: archive.files[0].bytes))
        let loaded = try #require(try GLUEDataDirectory(data).load(GLUETaskID.rte.task).dataset)
        #expect(loaded.train.examples.count == 2 && loaded.evalSets[0].examples.count == 1)
        let again = try GLUEDownloads.fetch([.rte], dataDirectory: data, archives: [archive], transport: { _, _ in Issue.record("no download expected") })
        #expect(again[.rte] == .alreadyPresent(data.appendingPathComponent("glue/RTE", isDirectory: true)))
        let forced = try GLUEDownloads.fetch([.rte], dataDirectory: data, force: true, archives: [archive], transport: copy)
        #expect(forced[.rte] == .installed(data.appendingPathComponent("glue/RTE", isDirectory: true), bytes: archive.files[0].bytes))
        // No staging or trash folders are left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("glue").path)
        #expect(left == ["RTE"])
    }

    @Test("a wrong checksum, a short file or no network installs nothing and says why")
    func failures() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let (zip, good) = try Self.fakeRTE(in: tmp)
        let data = tmp.file("data")
        let copy: GLUEDownloads.Transport = { _, to in try FileManager.default.copyItem(at: zip, to: to) }
        var wrongHash = good
        wrongHash.files[0].sha256 = String(repeating: "0", count: 64)
        let e1 = #expect(throws: RuntimeError.self) { try GLUEDownloads.fetch([.rte], dataDirectory: data, archives: [wrongHash], transport: copy) }
        #expect(e1?.message.contains("sha256 is \(good.files[0].sha256)") == true && e1?.message.contains("RTE.zip") == true)
        var wrongSize = good
        wrongSize.files[0].bytes += 1
        let e2 = #expect(throws: RuntimeError.self) { try GLUEDownloads.fetch([.rte], dataDirectory: data, archives: [wrongSize], transport: copy) }
        #expect(e2?.message.contains("expected \(good.files[0].bytes + 1) bytes") == true)
        let offline: GLUEDownloads.Transport = { url, _ in throw RuntimeError("could not download \(url.absoluteString) (curl exit status 6: Could not resolve host)") }
        let e3 = #expect(throws: RuntimeError.self) { try GLUEDownloads.fetch([.rte], dataDirectory: data, archives: [good], transport: offline) }
        #expect(e3?.message.contains("Could not resolve host") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("glue").path).isEmpty)
        // --from a folder without the file says where to put it.
        let e4 = #expect(throws: RuntimeError.self) {
            try GLUEDownloads.fetch([.rte], dataDirectory: data, archives: [good], transport: GLUEDownloads.localTransport(tmp.file("nowhere")))
        }
        #expect(e4?.message.contains("RTE.zip") == true)
    }

    @Test("a folder that already has the task's files but no verified record is kept unless forced")
    func keepsUnverified() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let (_, archive) = try Self.fakeRTE(in: tmp)
        _ = try tmp.write("x", to: "data/glue/RTE/train.tsv")
        _ = try tmp.write("x", to: "data/glue/RTE/dev.tsv")
        let r = try GLUEDownloads.fetch([.rte], dataDirectory: tmp.file("data"), archives: [archive], transport: { _, _ in Issue.record("no download expected") })
        #expect(r[.rte] == .keptUnverified(tmp.file("data/glue/RTE")))
    }
}
