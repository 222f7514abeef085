import BermoRuntime
import Foundation

/// `report.html`: one self-contained page per run (inline CSS and SVG, no script, no request), what a
/// researcher reads instead of results.json and a folder of plots: where the run stands, what computed it,
/// the gate's verdict, then per task the metrics, the plots of the jobs' series, the learned layer mix and
/// what the task's plugin adds, then the plugins' cross-task analyses and every job.
public struct HTMLReport {
    public var results: ResultsDocument
    /// The job records behind `results` (for plots, mixes, data digests).
    public var records: [JobRecord]
    /// Where every planned job stands, when the directory has a `plan.json`.
    public var status: SuiteStatus?
    public var comparison: Comparison?
    /// The baseline the comparison was made against, as the reader should find it.
    public var baselineFile: String?
    /// What the plugins add (`ReportSectionProvider`s).
    public var sections: [ReportSection]
    /// False when there is no results.json yet (workers still running): `results` was rebuilt from the job
    /// records, and the machine it ran on is not known.
    public var resultsWritten: Bool

    public init(results: ResultsDocument, records: [JobRecord], status: SuiteStatus?, comparison: Comparison?, baselineFile: String? = nil,
                sections: [ReportSection], resultsWritten: Bool = true) {
        self.results = results; self.records = records; self.status = status; self.comparison = comparison
        self.baselineFile = baselineFile; self.sections = sections; self.resultsWritten = resultsWritten
    }

    public func render() -> String {
        let progress = RunProgress(results: results, status: status)
        let tasks = taskOrder
        var toc: [(String, String)] = [("status", "Status"), ("provenance", "Provenance")]
        if comparison != nil { toc.append(("gate", "Regression gate")) }
        toc += tasks.enumerated().map { ("task-\($0.offset + 1)", $0.element) }
        let across = sections.filter { $0.task == nil }
        toc += across.enumerated().map { ("section-\($0.offset + 1)", $0.element.title) }
        toc.append(("jobs", "Jobs"))

        var body: [HTML] = [header(), HTML.element("nav", ["class": "toc"], [HTML.element("ul", toc.map { id, title in
            HTML.element("li", [HTML.element("a", ["href": "#\(id)"], text: title)])
        })])]
        body.append(statusSection(progress))
        body.append(provenanceSection())
        if let comparison { body.append(gateSection(comparison)) }
        for (i, task) in tasks.enumerated() { body.append(taskSection(task, id: "task-\(i + 1)")) }
        for (i, section) in across.enumerated() { body.append(section.html(id: "section-\(i + 1)", nested: false)) }
        body.append(jobsSection())
        body.append(HTML.element("footer", text: "Written by bermo \(BermoVersion.version) from \(resultsWritten ? "results.json" : "the job records") of "
            + "suite \(results.suite.name) (\(results.suite.file)). Self-contained: no script, no file or network request."))

        let head = HTML.element("head", [
            HTML(trusted: "<meta charset=\"utf-8\">"),
            HTML(trusted: "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
            // Nothing may be fetched: the page must look the same as a CI artifact and offline.
            HTML(trusted: "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"),
            HTML.element("title", text: "bermo: \(results.suite.name)"),
            HTML.element("style", [HTML(trusted: HTMLStyle.css)]),
        ])
        return "<!DOCTYPE html>\n" + HTML.element("html", ["lang": "en"], [head, HTML.element("body", [HTML.element("main", body)])]).markup + "\n"
    }

    /// Tasks in results order, then any task that only the plan knows (nothing of it finished yet).
    var taskOrder: [String] {
        var tasks = results.taskOrder
        for e in status?.jobs ?? [] where !tasks.contains(e.task) { tasks.append(e.task) }
        for s in sections { if let t = s.task, !tasks.contains(t) { tasks.append(t) } }
        return tasks
    }

    var showModel: Bool { results.showsModel }

    /// A job inside its task's part: `variant · seed N` (and the model when there are several).
    func jobName(variant: String, seed: Int, model: String) -> String {
        "\(variant) · seed \(seed)" + (showModel ? " · \(model)" : "")
    }

    func header() -> HTML {
        var meta = "Suite file \(results.suite.file)"
        if resultsWritten { meta += " · results written \(results.createdAt)" }
        if let shard = results.shard { meta += " · shard \(shard)" }
        var parts = [HTML.element("h1", text: "bermo: \(results.suite.name)")]
        if let d = results.suite.description, !d.isEmpty { parts.append(HTML.element("p", text: d)) }
        parts.append(HTML.element("p", ["class": "meta"], text: meta))
        return HTML.element("header", parts)
    }

    func banner(_ kind: String, _ title: String, _ text: String) -> HTML {
        HTML.element("div", ["class": "banner \(kind)"], [HTML.element("strong", text: title), HTML(text: " " + text)])
    }

    func statusSection(_ p: RunProgress) -> HTML {
        var parts = [HTML.element("h2", text: "Status")]
        let counts = "\(p.done) of \(p.total) job(s) finished, \(p.running) running, \(p.pending) pending, \(p.failed) failed; counted from \(p.source)."
        if p.complete && p.failed == 0 {
            parts.append(banner("ok", "Complete.", counts))
        } else if p.complete {
            parts.append(banner("bad", "Finished with failures.", counts + " Failed jobs are not in the numbers below; rerun the suite to retry them."))
        } else {
            parts.append(banner("partial", "Partial run.", counts + " The numbers below are over the finished jobs only and will change."))
        }
        if !resultsWritten {
            parts.append(HTML.element("p", text: "No results.json yet: this page was built from the job records written so far."))
        }
        if let limit = results.limit {
            parts.append(banner("partial", "Quick run.", "--limit \(limit): every dataset was cut to its first \(limit) examples; not comparable to full runs."))
        }
        for (title, jobs) in [("Running", p.runningJobs), ("Pending", p.pendingJobs), ("Failed", p.failedJobs)] where !jobs.isEmpty {
            parts.append(HTML.element("h3", text: "\(title) (\(jobs.count))"))
            parts.append(HTML.element("ul", ["class": "jobs"], jobs.map { HTML.element("li", text: $0) }))
        }
        return HTML.element("section", ["id": "status"], parts)
    }

    func gateSection(_ c: Comparison) -> HTML {
        var parts = [HTML.element("h2", text: "Regression gate")]
        parts.append(banner(c.hasRegression ? "bad" : "ok", c.hasRegression ? "Regression." : "Within tolerance.",
                            c.summaryLine + (baselineFile.map { " Baseline: \($0)." } ?? "")))
        // Every metric, those that fail the gate first, then improvements, each group in the comparison's order.
        let rank: (MetricComparison) -> Int = { $0.failsGate ? 0 : $0.verdict == .improved ? 1 : 2 }
        let rows = c.rows.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        parts.append(ComparisonTable.table(c, rows: rows).html)
        return HTML.element("section", ["id": "gate"], parts)
    }
}
