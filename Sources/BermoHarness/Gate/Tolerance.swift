import BermoRuntime
/// How far a metric may move in the worse direction before the gate calls it a regression.
public enum Tolerance: Sendable, Equatable, CustomStringConvertible {
    /// |Δ| ≤ x in the metric's units.
    case absolute(Double)
    /// |Δ| ≤ x · |baseline mean|.
    case relative(Double)
    /// |Δ| ≤ k · the standard deviation over seeds (the baseline's; the current run's if the baseline has one seed).
    case std(Double)

    public var description: String {
        switch self {
        case .absolute(let x): "absolute \(x)"
        case .relative(let x): "relative \(x)"
        case .std(let k): "\(k) std"
        }
    }

    public var json: JSONValue {
        switch self {
        case .absolute(let x): ["absolute": .double(x)]
        case .relative(let x): ["relative": .double(x)]
        case .std(let k): ["std": .double(k)]
        }
    }

    public init?(json: JSONValue) {
        if let x = json["absolute"]?.doubleValue { self = .absolute(x) }
        else if let x = json["relative"]?.doubleValue { self = .relative(x) }
        else if let k = json["std"]?.doubleValue { self = .std(k) }
        else { return nil }
    }

    /// Parses the CLI form: `abs:0.01`, `rel:0.02`, `std:2` (also `absolute:`/`relative:`).
    public init?(cli text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let x = Double(parts[1]), x >= 0, x.isFinite else { return nil }
        switch parts[0] {
        case "abs", "absolute": self = .absolute(x)
        case "rel", "relative": self = .relative(x)
        case "std": self = .std(x)
        default: return nil
        }
    }

    /// Used when neither the suite nor the command line sets one: one point on a 0–1 metric.
    public static let builtInDefault = Tolerance.absolute(0.01)
}

/// The tolerances a comparison uses: a default and per-metric overrides.
public struct TolerancePolicy: Sendable, Equatable {
    public var defaultTolerance: Tolerance?
    public var perMetric: [String: Tolerance]

    public init(defaultTolerance: Tolerance? = nil, perMetric: [String: Tolerance] = [:]) {
        self.defaultTolerance = defaultTolerance; self.perMetric = perMetric
    }

    /// Most specific first: command-line metric, suite metric, command-line default, suite default, built-in.
    public func tolerance(for metric: String, overriddenBy cli: TolerancePolicy = TolerancePolicy()) -> Tolerance {
        cli.perMetric[metric] ?? perMetric[metric] ?? cli.defaultTolerance ?? defaultTolerance ?? .builtInDefault
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = ["metrics": .object(perMetric.mapValues(\.json))]
        object["default"] = defaultTolerance?.json ?? .null
        return .object(object)
    }

    public init(json: JSONValue?) {
        defaultTolerance = json?["default"].flatMap(Tolerance.init(json:))
        perMetric = json?["metrics"]?.objectValue?.compactMapValues(Tolerance.init(json:)) ?? [:]
    }
}
