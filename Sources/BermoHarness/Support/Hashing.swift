import BermoRuntime
import Foundation

/// Short content ids for jobs and cache keys.
public enum Hashing {
    /// A short id: the first `length` hex digits of the SHA-256 (16 digits = 64 bits, ample for the
    /// thousands of jobs a suite has, and short enough for file names and log lines).
    public static func shortID(_ text: String, length: Int = 16) throws -> String { String(try Digest.sha256(text).prefix(length)) }
}
