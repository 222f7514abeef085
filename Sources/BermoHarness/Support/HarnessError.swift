/// An error from running a suite (not from its text): a missing dataset, an unwritable directory, a
/// malformed results file. Like `RuntimeError`, each message says what is wrong, where, and how to fix it.
public struct HarnessError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
