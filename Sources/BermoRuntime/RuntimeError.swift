import Foundation

/// Every error the runtime raises. Each message names the file (and field or line where there is one)
/// and says how to fix the problem, because the user reading it is usually not the one who wrote the code.
public struct RuntimeError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
