import Foundation

/// `summary.md`: one table per task (variants × metrics, mean ± std over seeds), jobs that did not
/// complete with their reasons, failures, the paired comparisons over seeds, and the gate's table. Also what CI shows in the step summary.
public struct MarkdownReport {
    public let results: ResultsDocument
    public let comparison: Comparison?

    public init(results: ResultsDocument, comparison: Comparison? = nil) { self.results = results; self.comparison = comparison }

    public func render() -> String {
        var out = "# bermo: \(results.suite.name)\n\n"
        if let d = results.suite.description, !d.isEmpty { out += d + "\n\n" }
        let completed = results.jobs.filter { $0.status == .completed }.count
        out += "Suite hash `\(results.suite.hash.prefix(12))` · bermo \(results.bermo.version) (`\(results.bermo.gitCommit.prefix(12))`) · "
        out += "\(results.jobs.count) job(s), \(completed) completed"
        if let shard = results.shard { out += " · shard \(shard)" }
        if let limit = results.limit { out += " · **--limit \(limit)** (quick run: not comparable to full runs)" }
        out += " · \(results.environment.os), \(results.environment.threads) thread(s)\n\n"

        let showModel = results.showsModel
        for task in results.taskOrder {
            let aggregates = results.aggregates.filter { $0.task == task }
            let jobs = results.jobs.filter { $0.task == task }
            let group = jobs.first?.group.map { " (group \($0))" } ?? ""
            out += "## \(task)\(group)\n\n"
            if aggregates.isEmpty {
                out += "No completed jobs.\n\n"
            } else {
                out += AggregateTable.make(aggregates, showModel: showModel).markdown + "\n"
            }
            let notDone = jobs.filter { $0.status != .completed }
            if !notDone.isEmpty {
                out += "Not completed:\n\n"
                for j in notDone {
                    let what = j.status == .diverged ? "diverged at step \(j.divergedAtStep ?? 0)" : j.status.rawValue
                    out += "- \(j.variant) · seed \(j.seed)\(showModel ? " · \(j.model)" : ""): \(what): \(j.reason ?? "")\n"
                }
                out += "\n"
            }
            let failed = results.failures.filter { $0.task == task }
            if !failed.isEmpty {
                out += "Failed (rerun to retry):\n\n"
                for f in failed { out += "- \(f.variant) · seed \(f.seed): \(Markdown.escape(f.error))\n" }
                out += "\n"
            }
        }
        if let comparisons = results.comparisons, !comparisons.isEmpty {
            out += "## Paired comparisons over seeds\n\n"
            out += PairedComparisonTable.explanation + "\n\n"
            out += PairedComparisonTable.markdown(comparisons) + "\n"
        }
        if let comparison {
            out += "## Regression gate\n\n" + ComparisonTable.markdown(comparison) + "\n"
        }
        return out
    }
}
