import Foundation

/// One metric of one (model, variant, task) compared with the baseline.
public struct MetricComparison: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        /// Moved less than the tolerance (either way).
        case within
        /// Moved in the better direction by more than the tolerance.
        case improved
        /// Moved in the worse direction by more than the tolerance: fails the gate.
        case regressed
        /// In the baseline, absent now (not run, or diverged): fails the gate.
        case missing
        /// In the baseline, but every job of it was skipped now: reported, not a failure.
        case skipped
        /// Only in the current results: reported.
        case new
    }

    public var key: AggregateKey
    public var higherIsBetter: Bool
    public var baseline: Aggregate?
    public var current: Aggregate?
    public var tolerance: Tolerance
    /// The largest move the tolerance allows, in metric units.
    public var allowed: Double?
    public var verdict: Verdict
    /// The seed-noise test, when the tolerance is noise-aware (`Tolerance.welch`) and both runs have the metric.
    public var noise: NoiseTest? = nil

    public var delta: Double? {
        guard let b = baseline?.mean, let c = current?.mean else { return nil }
        return c - b
    }

    /// Whether the mean moved in the worse direction.
    public var movedWorse: Bool {
        guard let delta else { return false }
        return higherIsBetter ? delta < 0 : delta > 0
    }

    /// Whether the mean moved by more than the tolerance allows (either way). A small epsilon keeps a move of
    /// exactly the tolerance (up to rounding) within it.
    public var movedBeyondTolerance: Bool {
        guard let delta, let allowed, let b = baseline?.mean else { return false }
        return abs(delta) > allowed + 1e-12 * max(1, abs(b))
    }

    /// Moved beyond the tolerance, but seed noise explains it (a noise-aware tolerance's test said so).
    public var insideNoise: Bool { verdict == .within && movedBeyondTolerance && noise?.explainsMove(worse: movedWorse) == true }

    public var failsGate: Bool { verdict == .regressed || verdict == .missing }
}

/// The gate's result over every metric.
public struct Comparison: Sendable {
    public var rows: [MetricComparison]
    public var hasRegression: Bool { rows.contains(where: \.failsGate) }
    public var regressions: [MetricComparison] { rows.filter(\.failsGate) }

    /// Rows worth showing: anything not within tolerance, and anything that moved at all.
    public var moved: [MetricComparison] { rows.filter { $0.verdict != .within || ($0.delta ?? 0) != 0 } }

    /// 0 within tolerance, 1 on a regression (exit codes of `bermo compare`).
    public var exitCode: Int32 { hasRegression ? 1 : 0 }

    public func count(_ verdict: MetricComparison.Verdict) -> Int { rows.filter { $0.verdict == verdict }.count }

    public var summaryLine: String {
        let parts: [(MetricComparison.Verdict, String)] = [(.regressed, "regressed"), (.missing, "missing"), (.improved, "improved"),
                                                           (.within, "within tolerance"), (.skipped, "skipped"), (.new, "new")]
        let noise = rows.filter(\.insideNoise).count
        return "\(rows.count) metric(s): " + parts.compactMap { v, label in
            count(v) > 0 ? "\(count(v)) \(label)" + (v == .within && noise > 0 ? " (\(noise) of them beyond it but inside seed noise)" : "") : nil
        }.joined(separator: ", ") + (hasRegression ? " — REGRESSION" : " — OK")
    }
}

/// Compares current results with a baseline, metric by metric, under a tolerance policy.
public struct Comparator: Sendable {
    /// Command-line tolerances (override the suite's; see `TolerancePolicy.tolerance(for:overriddenBy:)`).
    public var cli: TolerancePolicy
    public init(cli: TolerancePolicy = TolerancePolicy()) { self.cli = cli }

    /// - Throws: `HarnessError` when the two documents are results of different suites (every metric would
    ///   count as missing: a usage error, not a regression), or when a `std` tolerance cannot be computed
    ///   (one seed on both sides).
    /// `files`: where the two documents were read from, for the message.
    public func compare(current: ResultsDocument, baseline: ResultsDocument, files: (current: String, baseline: String)? = nil) throws -> Comparison {
        guard current.suite.name == baseline.suite.name else {
            let (a, b) = files.map { (" \($0.current)", " \($0.baseline)") } ?? ("", "")
            throw HarnessError("the results\(a) are of suite `\(current.suite.name)` (\(current.suite.file)) but the baseline\(b) is of suite "
                + "`\(baseline.suite.name)` (\(baseline.suite.file)); compare results of the same suite (a renamed suite needs a "
                + "baseline run under its new name)")
        }
        let policy = current.tolerance
        let now = Dictionary(current.aggregates.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let before = Dictionary(baseline.aggregates.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [MetricComparison] = []
        for key in Set(now.keys).union(before.keys).sorted() {
            let b = before[key], c = now[key]
            let tolerance = policy.tolerance(for: key.metric, overriddenBy: cli)
            let higher = c?.higherIsBetter ?? b?.higherIsBetter ?? true
            var row = MetricComparison(key: key, higherIsBetter: higher, baseline: b, current: c, tolerance: tolerance, allowed: nil, verdict: .within)
            switch (b, c) {
            case (nil, _): row.verdict = .new
            case (_, nil):
                let statuses = current.jobs.filter { $0.task == key.task && $0.variant == key.variant && $0.model == key.model }.map(\.status)
                row.verdict = !statuses.isEmpty && statuses.allSatisfy { $0 == .skipped } ? .skipped : .missing
            case let (b?, c?):
                row.allowed = try Self.allowed(tolerance.base, baseline: b, current: c)
                row.noise = tolerance.significanceLevel.map { NoiseTest(baseline: b, current: c, higherIsBetter: higher, level: $0) }
                // Beyond the tolerance, and (for a noise-aware one whose test could run) beyond seed noise.
                if row.movedBeyondTolerance && row.noise?.explainsMove(worse: row.movedWorse) != true {
                    row.verdict = row.movedWorse ? .regressed : .improved
                }
            }
            rows.append(row)
        }
        return Comparison(rows: rows)
    }

    static func allowed(_ tolerance: Tolerance, baseline b: Aggregate, current c: Aggregate) throws -> Double {
        switch tolerance.base {
        case .absolute(let x): return x
        case .relative(let x): return x * abs(b.mean)
        case .std(let k):
            guard let std = b.std ?? c.std else {
                throw HarnessError("\(b.key): a `std` tolerance needs at least two seeds in the baseline or the current results (both have one); "
                    + "run more seeds, or use an absolute or relative tolerance for `\(b.metric)` (e.g. --tolerance \(b.metric)=abs:0.01)")
            }
            return k * std
        case .welch(let base, _): return try allowed(base, baseline: b, current: c)
        }
    }
}
