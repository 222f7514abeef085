/// Reads `tolerance:` — `{default: {absolute: 0.01}, metrics: {accuracy: {std: 2}}}`, or just
/// `{relative: 0.02}` as shorthand for the default — merging the entries of every file. Any tolerance may
/// add a seed-noise test: `{absolute: 0.01, welch: 0.05}`.
struct ToleranceDecoder {
    let diagnostics: Diagnostics

    func decode(_ entries: [ConfigEntry]) -> TolerancePolicy {
        var policy = TolerancePolicy()
        for entry in entries {
            let node = entry.value
            if case .null = node.kind { continue }
            guard let items = node.entries else {
                diagnostics.error(SuiteError(node.location, field: "tolerance", "expected a mapping, found \(node.kindDescription)",
                                             fix: "write e.g. `tolerance: {default: {absolute: 0.01}, metrics: {accuracy: {std: 2}}}`"))
                continue
            }
            if items.contains(where: { (SuiteKeys.tolerance + SuiteKeys.toleranceTest).contains($0.key) }) {
                if let t = diagnostics.capture(at: node.location, { try decodeOne(node, field: "tolerance") }) { policy.defaultTolerance = t }
                continue
            }
            for item in items {
                switch item.key {
                case "default":
                    if let t = diagnostics.capture(at: item.value.location, { try decodeOne(item.value, field: "tolerance.default") }) {
                        policy.defaultTolerance = t
                    }
                case "metrics":
                    guard let metrics = item.value.entries else {
                        diagnostics.error(SuiteError(item.value.location, field: "tolerance.metrics", "expected a mapping of metric names to tolerances, found \(item.value.kindDescription)",
                                                     fix: "write e.g. `metrics: {accuracy: {std: 2}}`"))
                        continue
                    }
                    for m in metrics {
                        if let t = diagnostics.capture(at: m.value.location, { try decodeOne(m.value, field: "tolerance.metrics.\(m.key)") }) {
                            policy.perMetric[m.key] = t
                        }
                    }
                default:
                    let hint = Suggestions.didYouMean(item.key, among: ["default", "metrics"] + SuiteKeys.tolerance + SuiteKeys.toleranceTest)
                    diagnostics.error(SuiteError(item.keyLocation, field: "tolerance.\(item.key)", "unknown key `\(item.key)`" + (hint.isEmpty ? "" : " (\(hint))"),
                                                 fix: "`tolerance` has `default` and `metrics` (per-metric tolerances go under `metrics:`)"))
                }
            }
        }
        return policy
    }

    /// Exactly one of `absolute`, `relative`, `std`, with a non-negative number, and optionally `welch` with a
    /// level strictly between 0 and 1.
    func decodeOne(_ node: ConfigNode, field: String) throws -> Tolerance {
        guard let entries = node.entries else {
            throw SuiteError(node.location, field: field, "expected `{absolute: x}`, `{relative: x}` or `{std: k}`, found \(node.kindDescription)",
                             fix: "write e.g. `{absolute: 0.01}`")
        }
        for e in entries where !(SuiteKeys.tolerance + SuiteKeys.toleranceTest).contains(e.key) {
            let hint = Suggestions.didYouMean(e.key, among: SuiteKeys.tolerance + SuiteKeys.toleranceTest)
            throw SuiteError(e.keyLocation, field: "\(field).\(e.key)", "unknown tolerance kind `\(e.key)`" + (hint.isEmpty ? "" : " (\(hint))"),
                             fix: "use `absolute` (metric units), `relative` (fraction of the baseline) or `std` (multiples of the std over seeds), "
                                + "optionally with `welch: 0.05` (count a move only when seed noise is unlikely to explain it)")
        }
        let kinds = entries.filter { SuiteKeys.tolerance.contains($0.key) }
        guard kinds.count == 1, let e = kinds.first else {
            throw SuiteError(node.location, field: field, "give exactly one of absolute, relative, std (found \(kinds.count))",
                             fix: "e.g. `{absolute: 0.01}`, or `{absolute: 0.01, welch: 0.05}` with a seed-noise test")
        }
        let x = try Double.decode(e.value, field: "\(field).\(e.key)")
        guard x >= 0, x.isFinite else {
            throw SuiteError(e.value.location, field: "\(field).\(e.key)", "a tolerance must be a non-negative number, found \(e.value.text)",
                             fix: "use e.g. `\(e.key): 0.01`")
        }
        let base: Tolerance
        switch e.key {
        case "absolute": base = .absolute(x)
        case "relative": base = .relative(x)
        default: base = .std(x)
        }
        guard let test = entries.first(where: { $0.key == "welch" }) else { return base }
        let level = try Double.decode(test.value, field: "\(field).welch")
        guard Tolerance.levelRange.contains(level) else {
            throw SuiteError(test.value.location, field: "\(field).welch", "a test's level must be strictly between 0 and 1, found \(test.value.text)",
                             fix: "use e.g. `welch: 0.05` (a drop counts when seed noise explains it with probability below 5%)")
        }
        return .welch(base, level: level)
    }
}
