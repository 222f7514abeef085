import Foundation

/// `junit.xml`: one testcase per task × metric, so CI dashboards show each metric as a test. A testcase
/// fails when the gate flags any variant of that metric, errors when a job of the task failed, and is
/// skipped when every job of the task was skipped.
public struct JUnitReport {
    public let results: ResultsDocument
    public let comparison: Comparison?

    public init(results: ResultsDocument, comparison: Comparison? = nil) { self.results = results; self.comparison = comparison }

    /// (task, metric) pairs in report order: metrics from aggregates, plus gate rows (a metric missing now).
    func cases() -> [(task: String, metric: String)] {
        var out: [(String, String)] = []
        func add(_ t: String, _ m: String) { if !out.contains(where: { $0 == (t, m) }) { out.append((t, m)) } }
        for a in results.aggregates { add(a.task, a.metric) }
        for r in comparison?.rows ?? [] where r.baseline != nil { add(r.key.task, r.key.metric) }
        return out
    }

    public func render() -> String {
        let all = cases()
        var tasks: [String] = []
        for c in all where !tasks.contains(c.task) { tasks.append(c.task) }
        for f in results.failures where !tasks.contains(f.task) { tasks.append(f.task) }
        var body = ""
        var totals = (tests: 0, failures: 0, errors: 0, skipped: 0)
        for task in tasks {
            let metrics = all.filter { $0.task == task }.map(\.metric)
            let jobs = results.jobs.filter { $0.task == task }
            let failures = results.failures.filter { $0.task == task }
            let seconds = jobs.reduce(0) { $0 + $1.seconds }
            let allSkipped = !jobs.isEmpty && jobs.allSatisfy { $0.status == .skipped }
            var cases = "", counts = (failures: 0, errors: 0, skipped: 0)
            // A task with no metric at all (all skipped or all failed) still gets one testcase.
            for metric in metrics.isEmpty ? ["(no metrics)"] : metrics {
                cases += "    <testcase classname=\"\(XML.escape("\(results.suite.name).\(task)"))\" name=\"\(XML.escape(metric))\" time=\"\(String(format: "%.3f", seconds / Double(max(1, metrics.count))))\">\n"
                let flagged = comparison?.rows.filter { $0.key.task == task && $0.key.metric == metric && $0.failsGate } ?? []
                if !flagged.isEmpty {
                    counts.failures += 1
                    let message = flagged.map { r in "\(r.key.variant): \(r.verdict.rawValue)" + (r.delta.map { " by \(Format.signed($0))" } ?? "")
                        + (r.allowed.map { " (allowed ±\(Format.number($0)))" } ?? "") }.joined(separator: "; ")
                    cases += "      <failure type=\"regression\" message=\"\(XML.escape("\(metric) " + message))\">\(XML.escape(flagged.map(describe).joined(separator: "\n")))</failure>\n"
                } else if !failures.isEmpty {
                    counts.errors += 1
                    cases += "      <error type=\"job-failed\" message=\"\(XML.escape("\(failures.count) job(s) failed"))\">\(XML.escape(failures.map { "\($0.variant) seed \($0.seed): \($0.error)" }.joined(separator: "\n")))</error>\n"
                } else if allSkipped {
                    counts.skipped += 1
                    cases += "      <skipped message=\"\(XML.escape(jobs.first?.reason ?? "skipped"))\"/>\n"
                }
                let values = results.aggregates.filter { $0.task == task && $0.metric == metric }
                    .map { "\($0.variant)\(Set(results.aggregates.map(\.model)).count > 1 ? " (\($0.model))" : ""): \(Format.meanStd($0))" }
                if !values.isEmpty { cases += "      <system-out>\(XML.escape(values.joined(separator: "\n")))</system-out>\n" }
                cases += "    </testcase>\n"
            }
            let n = max(1, metrics.count)
            totals.tests += n; totals.failures += counts.failures; totals.errors += counts.errors; totals.skipped += counts.skipped
            body += "  <testsuite name=\"\(XML.escape(task))\" tests=\"\(n)\" failures=\"\(counts.failures)\" errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\" time=\"\(String(format: "%.3f", seconds))\">\n"
            body += cases + "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(XML.escape("bermo:\(results.suite.name)"))\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" errors=\"\(totals.errors)\" skipped=\"\(totals.skipped)\">\n"
            + body + "</testsuites>\n"
    }

    func describe(_ r: MetricComparison) -> String {
        "\(r.key): baseline \(r.baseline.map(Format.meanStd) ?? "—"), current \(r.current.map(Format.meanStd) ?? "—"), tolerance \(r.tolerance)"
            + (r.noise.map { ", \($0.summary(worse: r.movedWorse))" } ?? "")
    }
}
