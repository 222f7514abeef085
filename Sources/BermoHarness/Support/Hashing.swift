import BermoRuntime
import Foundation

/// Content hashes used for job ids, suite hashes and cache keys.
public enum Hashing {
    public static func sha256(_ text: String) -> String { Sha256.hex(of: Data(text.utf8)) }

    /// A short id: the first `length` hex digits of the SHA-256 (16 digits = 64 bits, ample for the
    /// thousands of jobs a suite has, and short enough for file names and log lines).
    public static func shortID(_ text: String, length: Int = 16) -> String { String(sha256(text).prefix(length)) }
}
