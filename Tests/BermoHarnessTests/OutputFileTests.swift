import BermoHarness
import BermoRuntime
import Foundation
import Testing

/// Where `AtomicFile` (every result, record, report and `--output`) may be pointed: devices and named pipes
/// are written, not replaced; directories are refused; a full disk and a long name say so; a killed writer's
/// temporary does not stay forever. Devices are reached through symbolic links in a temporary directory, so
/// a regression replaces the link, never the real `/dev/null`.
@Suite struct OutputFileTests {
    let directory: URL
    init() throws { directory = try TestSupport.temporaryDirectory() }

    func fileType(_ url: URL, following: Bool = true) -> mode_t {
        var info = stat()
        return (following ? stat(url.path, &info) : lstat(url.path, &info)) == 0 ? info.st_mode & S_IFMT : 0
    }

    /// Hidden temporaries left in the directory.
    var temporaries: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.contains(".tmp-") } }

    @Test("a character device is written through, not replaced by a regular file")
    func characterDevice() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let null = directory.appendingPathComponent("null")
        try FileManager.default.createSymbolicLink(atPath: null.path, withDestinationPath: "/dev/null")
        try AtomicFile.write("discarded\n", to: null)
        #expect(fileType(null, following: false) == S_IFLNK)
        #expect(fileType(URL(fileURLWithPath: "/dev/null")) == S_IFCHR)
        #expect(temporaries.isEmpty)
    }

    @Test("a named pipe is written to its reader, and stays a pipe")
    func namedPipe() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        // A reader opened first (non-blocking), so the writer's open does not wait and nothing can hang.
        let reader = open(fifo.path, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try AtomicFile.write("through the pipe\n", to: fifo)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(count > 0 && String(decoding: buffer[..<max(count, 0)], as: UTF8.self) == "through the pipe\n")
        #expect(fileType(fifo) == S_IFIFO)
    }

    @Test("a directory is refused, named as one, and left untouched")
    func directoryIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("results")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let error = #expect(throws: (any Error).self) { try AtomicFile.write("x", to: folder) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("it is a directory"))
        #expect(fileType(folder) == S_IFDIR)
        #expect(temporaries.isEmpty)
    }

    @Test("a full disk (/dev/full: every write fails with ENOSPC) is a clear error, not a crash or a success")
    func fullDisk() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let full = directory.appendingPathComponent("full")
        try FileManager.default.createSymbolicLink(atPath: full.path, withDestinationPath: "/dev/full")
        let error = #expect(throws: (any Error).self) { try AtomicFile.write("no room\n", to: full) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("\(full.path): cannot write: no space left on the device"), "\(text)")
        #expect(fileType(full, following: false) == S_IFLNK)
        #expect(fileType(URL(fileURLWithPath: "/dev/full")) == S_IFCHR)
    }

    @Test("a name of 250 bytes is written (its temporary fits too); 300 bytes is 'too long', not 'disk full'")
    func longNames() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let long = directory.appendingPathComponent(String(repeating: "n", count: 246) + ".txt")
        try AtomicFile.write("fits\n", to: long)
        #expect(try String(contentsOf: long, encoding: .utf8) == "fits\n")
        let tooLong = directory.appendingPathComponent(String(repeating: "n", count: 300))
        let error = #expect(throws: (any Error).self) { try AtomicFile.write("x", to: tooLong) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("too long") && !text.contains("full") && !text.contains("space"), "\(text)")
        #expect(!text.contains("Error Domain"), "\(text)")
        #expect(temporaries.isEmpty)
    }

    @Test("a temporary left by a writer killed an hour ago is removed by the next write; a live one is kept")
    func staleTemporariesAreSwept() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("summary.md")
        let stale = directory.appendingPathComponent(".summary.md.tmp-4242-1"), live = directory.appendingPathComponent(".summary.md.tmp-4243-2")
        let other = directory.appendingPathComponent(".other.md.tmp-4244-3")
        for file in [stale, live, other] { try Data(count: 1000).write(to: file) }
        for file in [stale, other] {
            var times = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
            #expect(utimes(file.path, &times) == 0)
        }
        try AtomicFile.write("report\n", to: target)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: live.path))
        #expect(FileManager.default.fileExists(atPath: other.path))  // another file's: swept when that one is written
    }
}
