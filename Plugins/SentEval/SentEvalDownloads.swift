import BermoRuntime
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A probing file of the official SentEval repository and the git blob id that repository's tree records
/// for it.
public struct SentEvalFileChecksum: Sendable, Equatable {
    public let fileName: String
    /// SHA-1 of `"blob <size>\0" + bytes`, what `git hash-object` prints for the file.
    public let gitBlobSha1: String
}

/// Downloads the full SentEval probing files (100k/10k/10k lines each) and verifies them.
///
/// The checksums are the git blob ids of `data/probing/*.txt` in facebookresearch/SentEval's tree at
/// commit `sourceCommit` (read with `git ls-tree`; the files were added in commit 45a4166, 2018-04-22, and
/// never changed since). SentEval publishes no sha256 for them, and none is pinned here that was not
/// computed from the real bytes, so the git blob SHA-1 is the check.
public enum SentEvalDownloads {
    public static let sourceRepository = "facebookresearch/SentEval"
    public static let sourceCommit = "5d6dc117d1ac30357ddaeb7347fb5684e9b87015"
    public static let baseURL = URL(string: "https://raw.githubusercontent.com/facebookresearch/SentEval/master/data/probing/")!

    public static let files: [SentEvalFileChecksum] = [
        .init(fileName: "bigram_shift.txt", gitBlobSha1: "1226c0467bd342c92132dd2fd26e54b7bd066bd7"),
        .init(fileName: "coordination_inversion.txt", gitBlobSha1: "281888217fd1ed7faef2c63c5350d2ff1b8e64ce"),
        .init(fileName: "obj_number.txt", gitBlobSha1: "c5a6f758f2293d0ed0774de327ff8199322d12ee"),
        .init(fileName: "odd_man_out.txt", gitBlobSha1: "ca1ec154df17e366330c542b48bdca5cfa65bf1c"),
        .init(fileName: "past_present.txt", gitBlobSha1: "d11394b28383bb1a8148670e33d39e5fcd326b16"),
        .init(fileName: "sentence_length.txt", gitBlobSha1: "9799e50a7579b5b60294b708cedc063aea16f0be"),
        .init(fileName: "subj_number.txt", gitBlobSha1: "dee5770953ad194ceafc68106bd9c071986c6d2a"),
        .init(fileName: "top_constituents.txt", gitBlobSha1: "1d00fe9b16f71303af7f0471fa028077f742d8b0"),
        .init(fileName: "tree_depth.txt", gitBlobSha1: "91567ad524de360c38105afc39d29fb7ef6b5eb8"),
        .init(fileName: "word_content.txt", gitBlobSha1: "596d6fc7c624a989342f5aef2fa035d0d84f65b7"),
        // Not a task: the data README (its copy in shared/data/senteval-probing/README.upstream.md matches).
        .init(fileName: "README.md", gitBlobSha1: "522c9e1192937ef608903f72e49af3bb8549f40d"),
    ]

    public static func checksum(for fileName: String) -> SentEvalFileChecksum? {
        files.first { $0.fileName == fileName }
    }

    /// Where `bermo data fetch senteval` puts the full files: `<cache>/data/senteval-probing-full`.
    public static func defaultDirectory(store: ModelStore = ModelStore()) -> URL {
        store.cacheDirectory.appendingPathComponent("data", isDirectory: true)
            .appendingPathComponent("senteval-probing-full", isDirectory: true)
    }

    /// Git's blob id of `data`: SHA-1 of `"blob <byte count>\0"` followed by the bytes.
    public static func gitBlobSha1(_ data: Data) throws -> String {
        let digest = try Digest(.sha1)
        try digest.update("blob \(data.count)\u{0}")
        try digest.update(data)
        return try digest.finalize()
    }

    /// Git's blob id of a file, streamed: a file already on disk is checked without reading it into memory.
    public static func gitBlobSha1(of url: URL) throws -> String {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int else {
            throw RuntimeError("cannot read the size of \(url.path); check that it exists and is readable")
        }
        let digest = try Digest(.sha1)
        try digest.update("blob \(size)\u{0}")
        try digest.update(contentsOf: url)
        return try digest.finalize()
    }

    /// Throws unless `data` is the official content of `fileName`; `source` names where it came from.
    public static func verify(_ data: Data, fileName: String, source: String) throws {
        guard let expected = checksum(for: fileName) else {
            throw RuntimeError("\(source): '\(fileName)' is not a SentEval probing file; known files: "
                + files.map(\.fileName).joined(separator: ", "))
        }
        let actual = try gitBlobSha1(data)
        guard actual == expected.gitBlobSha1 else {
            throw RuntimeError("\(source): git blob SHA-1 is \(actual) (\(data.count) bytes), expected "
                + "\(expected.gitBlobSha1) (\(sourceRepository) at \(sourceCommit.prefix(7))); the download is "
                + "truncated or corrupt, or not the official file. Delete it and fetch again")
        }
    }

    /// What happened to one file.
    public enum Outcome: Sendable, Equatable {
        case alreadyPresent(URL)
        case downloaded(URL, bytes: Int)
    }

    /// Downloads `fileNames` (default: the ten task files) into `directory`, verifies each, and writes it
    /// atomically (a temporary file renamed into place), so a failed or interrupted fetch leaves no
    /// half-written or unverified file. Files already present and verified are kept. `transport` fetches
    /// one URL's bytes (default: URLSession); tests pass their own.
    @discardableResult
    public static func fetch(_ fileNames: [String] = SentEvalTask.allCases.map(\.fileName), to directory: URL,
                             transport: (URL) throws -> Data = download,
                             log: (String) -> Void = { _ in }) throws -> [Outcome] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RuntimeError("cannot create \(directory.path): \(error.localizedDescription); choose a writable "
                + "directory or fix the permissions")
        }
        var outcomes: [Outcome] = []
        for name in fileNames {
            guard let expected = checksum(for: name) else {
                throw RuntimeError("'\(name)' is not a SentEval probing file; known files: "
                    + files.map(\.fileName).joined(separator: ", "))
            }
            let target = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: target.path) {
                if (try? gitBlobSha1(of: target)) == expected.gitBlobSha1 {
                    outcomes.append(.alreadyPresent(target))
                    continue
                }
                log("\(target.path) does not match the official \(name) (a subset or a damaged copy); downloading it again")
            }
            let url = baseURL.appendingPathComponent(name)
            log("downloading \(url.absoluteString)")
            let data = try transport(url)
            try verify(data, fileName: name, source: url.absoluteString)
            try AtomicFile.write(data, to: target)
            log("\(name): \(data.count) bytes, git blob SHA-1 verified")
            outcomes.append(.downloaded(target, bytes: data.count))
        }
        return outcomes
    }

    /// Fetches a URL's bytes with URLSession (HTTP status must be 200), waiting up to `timeout` seconds
    /// without data.
    public static func download(_ url: URL) throws -> Data {
        try download(url, timeout: 60)
    }

    public static func download(_ url: URL, timeout: TimeInterval) throws -> Data {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let done = DispatchSemaphore(value: 0)
        // Written by the completion handler before it signals, read after the wait: no overlap.
        let result = ResponseBox()
        let task = session.dataTask(with: url) { data, response, error in
            defer { done.signal() }
            if let error {
                result.value = .failure(RuntimeError("could not download \(url.absoluteString): \(error.localizedDescription). "
                    + "Check the network connection (a proxy is read from HTTPS_PROXY), or download the file by "
                    + "other means into the target directory and rerun: it is verified either way"))
                return
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 200, let data else {
                result.value = .failure(RuntimeError("could not download \(url.absoluteString): HTTP status \(status); "
                    + "check that the URL is still served (the files are in \(sourceRepository) under data/probing)"))
                return
            }
            result.value = .success(data)
        }
        task.resume()
        done.wait()
        return try result.value.get()
    }
}

private final class ResponseBox: Sendable {
    private let state = Mutex<Result<Data, RuntimeError>>(.failure(RuntimeError("no response")))
    var value: Result<Data, RuntimeError> {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
