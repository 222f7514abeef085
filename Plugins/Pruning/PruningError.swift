/// A pruning option that cannot work, named by its field (snake_case, as a suite would spell it) with
/// the numbers involved and what to change. The harness prefixes the suite file and line.
public struct PruningError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The offending option, e.g. `warmup_steps` or `final_threshold`.
    public var field: String
    public var message: String
    public init(field: String, _ message: String) { self.field = field; self.message = message }
    public var description: String { "\(field): \(message)" }
}
