import BermoRuntime
/// How far a metric may move in the worse direction before the gate calls it a regression.
public enum Tolerance: Sendable, Equatable, CustomStringConvertible {
    /// |Δ| ≤ x in the metric's units.
    case absolute(Double)
    /// |Δ| ≤ x · |baseline mean|.
    case relative(Double)
    /// |Δ| ≤ k · the standard deviation over seeds (the baseline's; the current run's if the baseline has one seed).
    case std(Double)
    /// Noise-aware: a move beyond `base` counts only when the per-seed values of the two runs make it
    /// unlikely under seed noise, by a one-sided t-test at `level` (Welch's; see `NoiseTest` for one seed).
    /// Written `{absolute: 0.01, welch: 0.05}` in a suite and `abs:0.01,welch:0.05` on the command line.
    indirect case welch(Tolerance, level: Double)

    public var description: String {
        switch self {
        case .absolute(let x): "absolute \(x)"
        case .relative(let x): "relative \(x)"
        case .std(let k): "\(k) std"
        case .welch(let base, let level): "\(base), Welch \(level)"
        }
    }

    /// The move allowed before any test: the tolerance itself, or a noise-aware one's base.
    public var base: Tolerance {
        if case .welch(let base, _) = self { return base.base }
        return self
    }

    /// The noise test's level, when the tolerance is noise-aware.
    public var significanceLevel: Double? {
        if case .welch(_, let level) = self { return level }
        return nil
    }

    public var json: JSONValue {
        switch self {
        case .absolute(let x): ["absolute": .double(x)]
        case .relative(let x): ["relative": .double(x)]
        case .std(let k): ["std": .double(k)]
        case .welch(let base, let level):
            .object((base.json.objectValue ?? [:]).merging(["welch": .double(level)]) { _, new in new })
        }
    }

    public init?(json: JSONValue) {
        let base: Tolerance
        if let x = json["absolute"]?.doubleValue { base = .absolute(x) }
        else if let x = json["relative"]?.doubleValue { base = .relative(x) }
        else if let k = json["std"]?.doubleValue { base = .std(k) }
        else { return nil }
        guard let test = json["welch"] else { self = base; return }
        guard let level = test.doubleValue, Self.levelRange.contains(level) else { return nil }
        self = .welch(base, level: level)
    }

    /// Parses the CLI form: `abs:0.01`, `rel:0.02`, `std:2` (also `absolute:`/`relative:`), optionally followed
    /// by `,welch:LEVEL` (0 < LEVEL < 1) for the noise-aware form: `abs:0.01,welch:0.05`.
    public init?(cli text: String) {
        let clauses = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard clauses.count <= 2 else { return nil }
        let parts = clauses[0].split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let x = Double(parts[1]), x >= 0, x.isFinite else { return nil }
        let base: Tolerance
        switch parts[0] {
        case "abs", "absolute": base = .absolute(x)
        case "rel", "relative": base = .relative(x)
        case "std": base = .std(x)
        default: return nil
        }
        guard clauses.count == 2 else { self = base; return }
        let test = clauses[1].split(separator: ":", maxSplits: 1).map(String.init)
        guard test.count == 2, test[0] == "welch", let level = Double(test[1]), Self.levelRange.contains(level) else { return nil }
        self = .welch(base, level: level)
    }

    /// Levels a noise test accepts: a probability strictly between 0 and 1.
    public static let levelRange = 0.0.nextUp...1.0.nextDown

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
