import BermoRuntime
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file `bermo data fetch glue` downloads, with its published size and SHA-256.
public struct GLUEDownloadFile: Sendable, Equatable {
    public var url: URL
    public var bytes: Int
    public var sha256: String
    public var fileName: String { url.lastPathComponent }

    public init(url: URL, bytes: Int, sha256: String) { self.url = url; self.bytes = bytes; self.sha256 = sha256 }
}

/// A task's downloads: an official GLUE zip, or (MRPC, which GLUE does not host) the SentEval copies of
/// the Microsoft sources plus GLUE's dev ids, from which GLUE's download script builds the TSVs.
public struct GLUEArchive: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A zip whose `folder` holds the task's TSVs.
        case zip(folder: String)
        /// msr_paraphrase_train.txt, msr_paraphrase_test.txt, mrpc_dev_ids.tsv.
        case mrpcSources
    }
    public var task: GLUETaskID
    public var kind: Kind
    public var files: [GLUEDownloadFile]

    public init(task: GLUETaskID, kind: Kind, files: [GLUEDownloadFile]) { self.task = task; self.kind = kind; self.files = files }
}

/// Downloads GLUE's official files, verifies each against its published size and SHA-256, and installs
/// each task's folder into `<data-dir>/glue/` atomically.
///
/// The URLs are those of the Hugging Face `datasets` `glue` loader (and of GLUE's own download script).
/// Every size and SHA-256 below is published, none was computed here: they are the `download_checksums` of
/// huggingface/datasets' `datasets/glue/dataset_infos.json` (commit 040102f100964a33fd334e2695f1c493fa6b92db).
/// TensorFlow Datasets' `tensorflow_datasets/url_checksums/glue.txt` (commit 37b3220d2a5434c59586973aff9793b1eaf74872)
/// lists the same size and SHA-256 for CoLA, SST-2, MRPC's three files, STS-B, MNLI, QNLIv2, RTE and WNLI
/// (under GLUE's earlier firebasestorage URLs: the same bytes). QQP-clean.zip's checksum has the one source
/// (TFDS's list names an older, different QQP.zip). MRPC's `msr_paraphrase_train.txt` and
/// `mrpc_dev_ids.tsv` checksums also equal those of the copies in shared/data (see its MANIFEST).
public enum GLUEDownloads {
    static let glueBase = "https://dl.fbaipublicfiles.com/glue/data/"
    static let sentevalBase = "https://dl.fbaipublicfiles.com/senteval/senteval_data/"

    static func file(_ base: String, _ name: String, _ bytes: Int, _ sha256: String) -> GLUEDownloadFile {
        GLUEDownloadFile(url: URL(string: base + name)!, bytes: bytes, sha256: sha256)
    }

    public static let archives: [GLUEArchive] = [
        .init(task: .cola, kind: .zip(folder: "CoLA"),
              files: [file(glueBase, "CoLA.zip", 376_971, "f212fcd832b8f7b435fb991f101abf89f96b933ab400603bf198960dfc32cbff")]),
        .init(task: .sst2, kind: .zip(folder: "SST-2"),
              files: [file(glueBase, "SST-2.zip", 7_439_277, "d67e16fb55739c1b32cdce9877596db1c127dc322d93c082281f64057c16deaa")]),
        .init(task: .mrpc, kind: .mrpcSources,
              files: [file(sentevalBase, "msr_paraphrase_train.txt", 1_047_044, "60a9b09084528f0673eedee2b69cb941920f0b8cd0eeccefc464a98768457f89"),
                      file(sentevalBase, "msr_paraphrase_test.txt", 441_275, "a04e271090879aaba6423d65b94950c089298587d9c084bf9cd7439bd785f784"),
                      file(glueBase, "mrpc_dev_ids.tsv", 6222, "971d7767d81b997fd9060ade0ec23c4fc31cbb226a55d1bd4a1bac474eb81dc7")]),
        .init(task: .stsb, kind: .zip(folder: "STS-B"),
              files: [file(glueBase, "STS-B.zip", 802_872, "e60a6393de5a8b5b9bac5020a1554b54e3691f9d600b775bd131e613ac179c85")]),
        .init(task: .qqp, kind: .zip(folder: "QQP"),
              files: [file(glueBase, "QQP-clean.zip", 41_696_084, "40e7c862c04eb26ee04b67fd900e76c45c6ba8e6d8fab4f8f1f8072a1a3fbae0")]),
        .init(task: .mnli, kind: .zip(folder: "MNLI"),
              files: [file(glueBase, "MNLI.zip", 312_783_507, "e7c1d896d26ed6caf700110645df426cc2d8ebf02a5ab743d5a5c68ac1c83633")]),
        .init(task: .qnli, kind: .zip(folder: "QNLI"),
              files: [file(glueBase, "QNLIv2.zip", 10_627_589, "e634e78627a29adaecd4f955359b22bf5e70f2cbd93b493f2d624138a0c0e5f5")]),
        .init(task: .rte, kind: .zip(folder: "RTE"),
              files: [file(glueBase, "RTE.zip", 697_150, "6bf86de103ecd335f3441bd43574d23fef87ecc695977a63b82d5efb206556ee")]),
        .init(task: .wnli, kind: .zip(folder: "WNLI"),
              files: [file(glueBase, "WNLI.zip", 28_999, "ae0e8e4d16f4d46d4a0a566ec7ecceccfd3fbfaa4a7a4b4e02848c0f2561ac46")]),
    ]

    public static func archive(for task: GLUETaskID) -> GLUEArchive { archives.first { $0.task == task }! }

    /// "7.4 MB" for a task's download.
    public static func downloadSizeDescription(_ task: GLUETaskID) -> String {
        let bytes = archive(for: task).files.map(\.bytes).reduce(0, +)
        return bytes >= 1_000_000 ? String(format: "%.1f MB download", Double(bytes) / 1e6) : "\(bytes / 1000) kB download"
    }

    /// What happened to one task.
    public enum Outcome: Sendable, Equatable {
        /// A verified install from an earlier fetch is in place.
        case alreadyPresent(URL)
        /// The folder has the task's files but no record of a verified fetch (e.g. copied by hand); kept
        /// as it is unless `force`.
        case keptUnverified(URL)
        case installed(URL, bytes: Int)
    }

    /// Fetches one URL into a local file. Tests and offline installs pass their own.
    public typealias Transport = @Sendable (_ url: URL, _ destination: URL) throws -> Void

    /// The record a verified install leaves in its folder.
    static let markerName = ".bermo-fetch.json"
    struct Marker: Codable, Equatable {
        var task: String
        var files: [String: String]  // url -> sha256
    }

    /// Downloads, verifies and installs `tasks` under `<dataDirectory>/glue/`. Each task is staged in a
    /// private folder beside its destination and renamed into place only once every file is verified and
    /// extracted, so a failure or interruption leaves no partial folder. Throws on the first failure, with
    /// the URL, what was expected and how to proceed.
    @discardableResult
    public static func fetch(_ tasks: [GLUETaskID] = GLUETaskID.allCases, dataDirectory: URL, force: Bool = false,
                             archives: [GLUEArchive] = archives, transport: Transport = defaultTransport,
                             log: (String) -> Void = { _ in }) throws -> [GLUETaskID: Outcome] {
        let glue = GLUEDataDirectory(dataDirectory).glue
        try makeDirectory(glue)
        var outcomes: [GLUETaskID: Outcome] = [:]
        for id in tasks {
            guard let archive = archives.first(where: { $0.task == id }) else {
                throw RuntimeError("no download is registered for \(id.rawValue)")
            }
            let task = id.task
            let destination = glue.appendingPathComponent(task.directoryName, isDirectory: true)
            let marker = Marker(task: id.rawValue, files: Dictionary(uniqueKeysWithValues: archive.files.map { ($0.url.absoluteString, $0.sha256) }))
            if !force, let data = FileManager.default.contents(atPath: destination.appendingPathComponent(markerName).path),
               (try? JSONDecoder().decode(Marker.self, from: data)) == marker, hasTaskFiles(task, in: destination) {
                log("\(task.displayName): already fetched and verified in \(destination.path)")
                outcomes[id] = .alreadyPresent(destination)
                continue
            }
            if !force && hasTaskFiles(task, in: destination) {
                log("\(task.displayName): \(destination.path) already has the task's files (not fetched by bermo, so unverified); keeping them. Pass --force to replace them with a verified download")
                outcomes[id] = .keptUnverified(destination)
                continue
            }
            let staging = glue.appendingPathComponent(".staging-\(task.directoryName)-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
            try makeDirectory(staging)
            defer { try? FileManager.default.removeItem(at: staging) }
            var total = 0
            for f in archive.files {
                let local = staging.appendingPathComponent(f.fileName)
                log("\(task.displayName): downloading \(f.url.absoluteString) (\(f.bytes) bytes)")
                try transport(f.url, local)
                try verify(local, against: f)
                total += f.bytes
                log("\(task.displayName): \(f.fileName) size and sha256 verified")
            }
            let built = staging.appendingPathComponent("out", isDirectory: true)
            switch archive.kind {
            case .zip(let folder):
                try unzip(staging.appendingPathComponent(archive.files[0].fileName), into: built)
                let inner = built.appendingPathComponent(folder, isDirectory: true)
                guard hasTaskFiles(task, in: inner) else {
                    throw RuntimeError("\(archive.files[0].url.absoluteString) verified, but its \(folder)/ folder lacks \(requiredFiles(task).joined(separator: ", ")); the published archive changed, so report this as a bermo bug")
                }
                try moveItem(inner, to: staging.appendingPathComponent("install", isDirectory: true))
            case .mrpcSources:
                let folder = staging.appendingPathComponent("install", isDirectory: true)
                try makeDirectory(folder)
                try buildMRPC(train: staging.appendingPathComponent("msr_paraphrase_train.txt"),
                              test: staging.appendingPathComponent("msr_paraphrase_test.txt"),
                              devIds: staging.appendingPathComponent("mrpc_dev_ids.tsv"), into: folder)
                for (name, keep) in [("msr_paraphrase_train.txt", "msr_paraphrase_train.txt"),
                                     ("msr_paraphrase_test.txt", "msr_paraphrase_test.txt"), ("mrpc_dev_ids.tsv", "dev_ids.tsv")] {
                    try moveItem(staging.appendingPathComponent(name), to: folder.appendingPathComponent(keep))
                }
            }
            let install = staging.appendingPathComponent("install", isDirectory: true)
            try AtomicFile.write(JSONEncoder().encode(marker), to: install.appendingPathComponent(markerName))
            try replace(destination, with: install, in: glue)
            log("\(task.displayName): installed in \(destination.path)")
            outcomes[id] = .installed(destination, bytes: total)
        }
        return outcomes
    }

    /// Throws unless `file` has `expected`'s size and SHA-256.
    public static func verify(_ file: URL, against expected: GLUEDownloadFile) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? nil
        guard let size, size == expected.bytes else {
            throw RuntimeError("\(expected.url.absoluteString): downloaded \(size.map { "\($0) bytes" } ?? "nothing"), expected \(expected.bytes) bytes; the download was cut short or the server sent something else (an error page?). Retry; nothing was installed")
        }
        let digest = try Digest.sha256(of: file)
        guard digest == expected.sha256 else {
            throw RuntimeError("\(expected.url.absoluteString): sha256 is \(digest), expected \(expected.sha256) (published by Hugging Face datasets' glue loader); the file is corrupt or was replaced upstream. Retry; if it persists, do not use this copy. Nothing was installed")
        }
    }

    /// Builds MRPC's train.tsv, dev.tsv and test.tsv from the Microsoft sources exactly as GLUE's
    /// download script does: the pairs listed in dev_ids go to dev.tsv, the rest to train.tsv, both under
    /// the source's header line (byte-order mark included); each row is stripped of surrounding
    /// whitespace and rewritten as `label\tid1\tid2\ts1\ts2`; test.tsv gets GLUE's `index` header.
    public static func buildMRPC(train: URL, test: URL?, devIds: URL, into folder: URL) throws {
        /// The file's lines; the first keeps a leading byte-order mark, as in GLUE's files.
        func lines(_ url: URL) throws -> [Substring] {
            let file = try TextFile(contentsOf: url.path, unreadableFix: "fetch MRPC again")
            var lines = file.lines
            if file.startsWithByteOrderMark, !lines.isEmpty { lines[0] = "\u{FEFF}" + lines[0] }
            return lines.map { Substring($0) }
        }
        func fields(_ line: Substring, _ url: URL, _ number: Int) throws -> [Substring] {
            let f = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5 else {
                throw RuntimeError("\(url.path):\(number): expected 5 tab-separated fields (Quality, #1 ID, #2 ID, #1 String, #2 String), found \(f.count); fetch MRPC again")
            }
            return f.map { Substring($0) }
        }
        let dev = Set(try lines(devIds).map { $0.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t").map(String.init).joined(separator: "\t") })
        let source = try lines(train)
        guard let header = source.first else { throw RuntimeError("\(train.path): empty; fetch MRPC again") }
        var trainOut = String(header) + "\n", devOut = trainOut
        for (i, line) in source.enumerated().dropFirst() {
            let f = try fields(line, train, i + 1)
            let row = f.joined(separator: "\t") + "\n"
            if dev.contains("\(f[1])\t\(f[2])") { devOut += row } else { trainOut += row }
        }
        try AtomicFile.write(trainOut, to: folder.appendingPathComponent("train.tsv"))
        try AtomicFile.write(devOut, to: folder.appendingPathComponent("dev.tsv"))
        if let test {
            var out = "index\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
            for (i, line) in try lines(test).enumerated().dropFirst() {
                let f = try fields(line, test, i + 1)
                out += "\(i - 1)\t\(f[1])\t\(f[2])\t\(f[3])\t\(f[4])\n"
            }
            try AtomicFile.write(out, to: folder.appendingPathComponent("test.tsv"))
        }
    }

    // MARK: - Transports

    /// curl when it is installed (follows redirects, fails on HTTP errors, retries), else URLSession.
    public static let defaultTransport: Transport = { url, destination in
        if let curl = ChildProcess.locate("curl") {
            let r = try ChildProcess.run(curl, ["-fsSL", "--retry", "2", "--connect-timeout", "30", "-o", destination.path, url.absoluteString])
            guard r.status == 0 else {
                throw RuntimeError("could not download \(url.absoluteString) (curl exit status \(r.status): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))). Check the network connection (curl honours HTTPS_PROXY); offline, download the file elsewhere and pass its folder with --from: it is verified either way")
            }
        } else {
            try urlSessionDownload(url, to: destination)
        }
    }

    /// Copies files already downloaded by other means from `directory` (matched by file name); they are
    /// verified like any download.
    public static func localTransport(_ directory: URL) -> Transport {
        { url, destination in
            let source = directory.appendingPathComponent(url.lastPathComponent)
            guard FileManager.default.fileExists(atPath: source.path) else {
                throw RuntimeError("\(source.path): not found; put \(url.lastPathComponent) (from \(url.absoluteString)) there, or fetch without --from")
            }
            try FileManager.default.copyItem(at: source, to: destination)
        }
    }

    static func urlSessionDownload(_ url: URL, to destination: URL) throws {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let task = URLSession.shared.downloadTask(with: url) { tmp, response, error in
            defer { done.signal() }
            if let error {
                box.error = RuntimeError("could not download \(url.absoluteString): \(error.localizedDescription). Check the network connection, or download the file elsewhere and pass its folder with --from: it is verified either way")
                return
            }
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            guard status == 200, let tmp else {
                box.error = RuntimeError("could not download \(url.absoluteString): HTTP status \(status)")
                return
            }
            do { try FileManager.default.moveItem(at: tmp, to: destination) } catch {
                box.error = RuntimeError("cannot write \(destination.path): \(error.localizedDescription)")
            }
        }
        task.resume()
        done.wait()
        if let e = box.error { throw e }
    }

    // MARK: - Files and processes

    static func requiredFiles(_ task: GLUETask) -> [String] { [task.trainFile] + task.evalFiles.map(\.fileName) }

    static func hasTaskFiles(_ task: GLUETask, in folder: URL) -> Bool {
        requiredFiles(task).allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    /// Extracts `zip` into `folder` with unzip, or Python's zipfile module when unzip is absent.
    static func unzip(_ zip: URL, into folder: URL) throws {
        try makeDirectory(folder)
        let r: ChildProcess.Outcome
        if let unzip = ChildProcess.locate("unzip") {
            r = try ChildProcess.run(unzip, ["-q", "-o", zip.path, "-d", folder.path])
        } else if let python = ChildProcess.locate("python3") {
            r = try ChildProcess.run(python, ["-m", "zipfile", "-e", zip.path, folder.path])
        } else {
            throw RuntimeError("extracting \(zip.lastPathComponent) needs unzip or python3; install one (Debian: apt-get install unzip)")
        }
        guard r.status == 0 else {
            throw RuntimeError("extracting \(zip.path) failed (exit status \(r.status)): \(r.stderr.suffix(500)); check free space in \(folder.deletingLastPathComponent().path) and retry")
        }
    }

    /// Puts `staged` at `destination` with renames only: an existing folder is first renamed aside and
    /// deleted after the new one is in place.
    static func replace(_ destination: URL, with staged: URL, in parent: URL) throws {
        if FileManager.default.fileExists(atPath: destination.path) {
            let aside = parent.appendingPathComponent(".trash-\(destination.lastPathComponent)-\(UUID().uuidString.prefix(8))")
            guard rename(destination.path, aside.path) == 0 else {
                throw RuntimeError("cannot replace \(destination.path): \(String(cString: strerror(errno))); check its permissions (is it the read-only shared/data? pass --data-dir <writable dir>)")
            }
            defer { try? FileManager.default.removeItem(at: aside) }
            guard rename(staged.path, destination.path) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(aside.path, destination.path)
                throw RuntimeError("cannot install into \(destination.path): \(reason)")
            }
        } else {
            guard rename(staged.path, destination.path) == 0 else {
                throw RuntimeError("cannot install into \(destination.path): \(String(cString: strerror(errno))); check the permissions of \(parent.path)")
            }
        }
    }

    static func makeDirectory(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw RuntimeError("cannot create \(url.path): \(error.localizedDescription); pass --data-dir <a writable directory> (shared/data is read-only)")
        }
    }

    static func moveItem(_ from: URL, to: URL) throws {
        do { try FileManager.default.moveItem(at: from, to: to) } catch {
            throw RuntimeError("cannot move \(from.path) to \(to.path): \(error.localizedDescription)")
        }
    }


}

private final class ResultBox: Sendable {
    private let state = Mutex<RuntimeError?>(nil)
    var error: RuntimeError? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
