import Foundation

/// `write(2)` until every byte is out, retrying short writes and EINTR; the one such loop (outputs, leases,
/// messages). Returns 0, or the `errno` of the write that failed.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard var cursor = bytes.baseAddress else { return 0 }
    var remaining = bytes.count
    while remaining > 0 {
        let written = write(fd, cursor, remaining)
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        if written == 0 { return EIO }
        cursor += written; remaining -= written
    }
    return 0
}
