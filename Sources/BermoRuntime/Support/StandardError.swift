import Foundation

/// Messages to the terminal. `FileHandle.standardError.write(_: Data)` traps when the write fails (stderr
/// closed, redirected to a full disk or to `/dev/full`), turning a message into a crash; here a message that
/// cannot be written is lost and the program carries on to its real exit code.
public enum StandardError {
    /// Writes `text` as is (add the newline yourself).
    public static func write(_ text: String) {
        var text = text
        _ = text.withUTF8 { writeAll(STDERR_FILENO, UnsafeRawBufferPointer($0)) }
    }
}
