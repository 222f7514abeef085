import BermoTestSupport
import BermoRuntime
import Foundation
@testable import SentEvalPlugin
import Testing

/// Only the checksum and verification logic, offline: no test downloads anything.
@Suite struct DownloadVerificationTests {
    @Test func gitBlobSha1OfKnownContents() throws {
        // `git hash-object` of an empty file and of "hello\n".
        #expect(try SentEvalDownloads.gitBlobSha1(Data()) == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
        #expect(try SentEvalDownloads.gitBlobSha1(Data("hello\n".utf8)) == "ce013625030ba8dba906f756967f9e9ca394464a")
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try Data("hello\n".utf8).write(to: directory.file("hello"))
        #expect(try SentEvalDownloads.gitBlobSha1(of: directory.file("hello")) == "ce013625030ba8dba906f756967f9e9ca394464a")
        #expect(throws: RuntimeError.self) { try SentEvalDownloads.gitBlobSha1(of: directory.file("absent")) }
    }

    @Test func gitBlobSha1AgreesWithGitHashObject() throws {
        let git = ["/usr/bin/git", "/usr/local/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let git else { return }   // the known vectors above still hold without git
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        var rng = SeededRandom(seed: 9)
        let bytes = Data((0..<70_001).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let file = directory.file("blob.bin")
        try bytes.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: git)
        process.arguments = ["hash-object", file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try printed == SentEvalDownloads.gitBlobSha1(bytes))
        #expect(try printed == SentEvalDownloads.gitBlobSha1(of: file))
    }

    /// The upstream README copied into shared/data has the blob id the official tree records.
    @Test func upstreamReadmeCopyMatchesTheOfficialTree() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: ProbingData.path("README.upstream.md")))
        try SentEvalDownloads.verify(data, fileName: "README.md", source: "README.upstream.md")
    }

    @Test func everyTaskFileHasAChecksum() {
        for task in SentEvalTask.allCases {
            let sum = SentEvalDownloads.checksum(for: task.fileName)
            #expect(sum?.gitBlobSha1.count == 40, "\(task)")
        }
    }

    @Test func aSubsetFileFailsVerificationWithAClearMessage() throws {
        let subset = try Data(contentsOf: URL(fileURLWithPath: ProbingData.path("past_present.txt")))
        let error = #expect(throws: RuntimeError.self) {
            try SentEvalDownloads.verify(subset, fileName: "past_present.txt", source: "x/past_present.txt")
        }
        #expect(error?.message.contains("x/past_present.txt: git blob SHA-1 is") == true)
        #expect(error?.message.contains("d11394b28383bb1a8148670e33d39e5fcd326b16") == true)
    }

    /// With a fake transport: a wrong body is refused and nothing is written; a failing transport's error
    /// passes through; an existing verified file is kept without a transfer.
    @Test func fetchVerifiesBeforeWritingAndKeepsVerifiedFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let readme = try Data(contentsOf: URL(fileURLWithPath: ProbingData.path("README.upstream.md")))

        let error = #expect(throws: RuntimeError.self) {
            try SentEvalDownloads.fetch(["README.md"], to: directory.url) { _ in Data("not it".utf8) }
        }
        #expect(error?.message.contains("git blob SHA-1") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.file("README.md").path))

        #expect(throws: RuntimeError.self) {
            try SentEvalDownloads.fetch(["README.md"], to: directory.url) { _ in throw RuntimeError("offline") }
        }

        var requested: [URL] = []
        let first = try SentEvalDownloads.fetch(["README.md"], to: directory.url) { url in requested.append(url); return readme }
        #expect(requested.map(\.absoluteString) == [SentEvalDownloads.baseURL.absoluteString + "README.md"])
        #expect(first == [.downloaded(directory.file("README.md"), bytes: readme.count)])
        let second = try SentEvalDownloads.fetch(["README.md"], to: directory.url) { _ in
            Issue.record("a verified file must not be downloaded again"); return Data()
        }
        #expect(second == [.alreadyPresent(directory.file("README.md"))])

        #expect(throws: RuntimeError.self) { try SentEvalDownloads.fetch(["nonsense.txt"], to: directory.url) { _ in Data() } }
    }
}
