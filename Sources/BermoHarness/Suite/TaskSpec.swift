import BermoRuntime
/// A metric a task reports, lm-evaluation-harness style (`metric_list: [{metric: accuracy}]`).
public struct MetricDeclaration: Sendable, Equatable, Codable {
    public var name: String
    /// Decides which direction the regression gate treats as worse.
    public var higherIsBetter: Bool

    public init(_ name: String, higherIsBetter: Bool = true) { self.name = name; self.higherIsBetter = higherIsBetter }

    enum CodingKeys: String, CodingKey { case name, higherIsBetter = "higher_is_better" }
}

/// A `metric_list` entry as written: the metric, and `higher_is_better` if the suite overrides the plugin.
public struct MetricSelection: Sendable, Equatable {
    public var name: String
    public var higherIsBetter: Bool?
    public var location: SourceLocation
}

/// One entry of a suite's `tasks:` list after `defaults` were merged in.
public struct TaskSpec: Sendable {
    /// The task id (`task:`), unique within the suite.
    public var id: String
    public var pluginID: String
    public var pluginLocation: SourceLocation
    public var group: String?
    /// Which metrics to report; nil means all the plugin declares.
    public var metricList: [MetricSelection]?
    /// `metadata:` (e.g. `{version: 2}`); hashed into job ids so bumping the version reruns the task.
    public var metadata: JSONValue?
    /// Everything else: the plugin's parameters.
    public var parameters: TaskParameters
    /// Where the task's mapping starts.
    public var location: SourceLocation
}
