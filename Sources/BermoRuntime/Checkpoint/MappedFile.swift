import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory.
///
/// Checkpoints are tens to hundreds of megabytes and are read once into the model's own buffers, so
/// mapping them avoids a second full copy in memory and lets the kernel page in only what is read.
/// `mmap` is called directly rather than through `Data(contentsOf:options: .alwaysMapped)` because
/// Foundation is free to read the file instead, and because the mapping's lifetime must be tied to
/// this object for the raw pointers handed out to stay valid.
///
/// The mapping is private and read-only, so sharing it between threads is safe. If another process
/// truncates the file while it is mapped, touching the lost pages raises SIGBUS: that is inherent to
/// mapping and the reason `ModelStore` installs files by renaming complete copies into place.
/// Unchecked `Sendable`: nothing writes `bytes` (a private read-only mapping), and only `deinit` unmaps it.
final class MappedFile: @unchecked Sendable {
    let url: URL
    /// The file's bytes; empty (with a nil base address) for an empty file, which `mmap` cannot map.
    let bytes: UnsafeRawBufferPointer

    init(url: URL) throws {
        self.url = url
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT:
                throw RuntimeError("\(path) does not exist; check the path (or download the checkpoint again)")
            case EACCES:
                throw RuntimeError("\(path) cannot be read (permission denied); fix its permissions with chmod")
            default:
                throw RuntimeError("\(path) cannot be opened: \(String(cString: strerror(code))); check the path")
            }
        }
        defer { close(fd) }

        var status = stat()
        guard fstat(fd, &status) == 0 else {
            throw RuntimeError("\(path) cannot be inspected (fstat: \(String(cString: strerror(errno)))); check the path")
        }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR {
            throw RuntimeError("\(path) is a directory; pass the .safetensors file inside it")
        }
        guard kind == S_IFREG else {
            throw RuntimeError("\(path) is not a regular file; pass a .safetensors file")
        }
        let size = Int(status.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              base != UnsafeMutableRawPointer(bitPattern: -1)
        else {
            throw RuntimeError("\(path) cannot be memory-mapped (\(String(cString: strerror(errno)))); "
                + "check that it is on a local file system and that there is enough address space")
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
