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

    func jobName(task: String? = nil, variant: String, seed: Int, model: String) -> String {
        (task.map { "\($0) · " } ?? "") + "\(variant) · seed \(seed)" + (showModel ? " · \(model)" : "")
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
        HTML.element("div", ["class": "banner \(kind)"], [HTML.element("strong", text: title), HTML(text: text)])
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

    func provenanceSection() -> HTML {
        var facts: [(String, String)] = []
        if resultsWritten {
            let b = results.bermo
            facts.append(("bermo", "\(b.version), commit \(b.gitCommit)" + (b.numerics.map { ", numerics version \($0)" } ?? "")))
        }
        // Jobs computed by another release or commit than the one that wrote results (reused records).
        var computedBy: [String: Int] = [:]
        for r in records { computedBy["\(r.bermo.version), commit \(r.bermo.gitCommit)", default: 0] += 1 }
        if computedBy.count > 1 || !resultsWritten {
            facts.append(("jobs computed by", computedBy.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) job(s))" }.joined(separator: "; ")))
        }
        facts.append(("suite", "\(results.suite.name), hash \(results.suite.hash.isEmpty ? "unknown" : results.suite.hash)"))
        var models: [String] = []
        for j in results.jobs where !models.contains("\(j.model): sha256 \(j.modelSha256)") { models.append("\(j.model): sha256 \(j.modelSha256)") }
        facts.append(("model", models.isEmpty ? "no finished job yet" : models.joined(separator: "; ")))
        var plugins: [String] = []
        for j in results.jobs where !plugins.contains(j.plugin) { plugins.append(j.plugin) }
        if !plugins.isEmpty { facts.append(("plugins", plugins.joined(separator: ", "))) }
        if resultsWritten {
            let e = results.environment
            facts.append(("machine", "\(e.os); \(e.kernel); \(e.architecture), \(e.cores) core(s), \(e.threads) thread(s); Swift \(e.swiftVersion)"))
            facts.append(("OpenBLAS kernel", e.blasCore ?? "not recorded"))
        } else {
            facts.append(("machine", "not recorded yet (results.json holds it once the run finishes)"))
        }
        var parts = [HTML.element("h2", text: "Provenance"), HTML.element("dl", ["class": "facts"], facts.flatMap { key, value in
            [HTML.element("dt", text: key), HTML.element("dd", ["class": key == "model" || key == "bermo" || key == "suite" ? "hash" : nil], text: value)]
        })]
        // Data files with their digests (hashed into the job ids) and the tasks reading them.
        var files: [(path: String, sha256: String, tasks: [String])] = []
        for r in records {
            for d in r.dataFiles {
                if let i = files.firstIndex(where: { $0.path == d.path && $0.sha256 == d.sha256 }) {
                    if !files[i].tasks.contains(r.task) { files[i].tasks.append(r.task) }
                } else {
                    files.append((d.path, d.sha256, [r.task]))
                }
            }
        }
        if !files.isEmpty {
            parts.append(HTML.element("h3", text: "Data"))
            parts.append(ReportTable(columns: [.init("file"), .init("sha256"), .init("read by")], rows: files.map {
                [ReportTable.Cell($0.path), ReportTable.Cell($0.sha256), ReportTable.Cell($0.tasks.joined(separator: ", "))]
            }).html)
        }
        return HTML.element("section", ["id": "provenance"], parts)
    }

    func gateSection(_ c: Comparison) -> HTML {
        var parts = [HTML.element("h2", text: "Regression gate")]
        parts.append(banner(c.hasRegression ? "bad" : "ok", c.hasRegression ? "Regression." : "Within tolerance.",
                            c.summaryLine + (baselineFile.map { " Baseline: \($0)." } ?? "")))
        parts.append(ComparisonTable.table(c, rows: c.rows).html)
        return HTML.element("section", ["id": "gate"], parts)
    }

    func taskSection(_ task: String, id: String) -> HTML {
        let aggregates = results.aggregates.filter { $0.task == task }
        let jobs = results.jobs.filter { $0.task == task }
        let group = jobs.first?.group.map { " (group \($0))" } ?? ""
        var parts = [HTML.element("h2", text: task + group)]
        if aggregates.isEmpty {
            parts.append(HTML.element("p", ["class": "muted"], text: "No completed jobs" + (jobs.isEmpty ? " yet." : ".")))
        } else {
            parts.append(HTML.element("p", ["class": "muted"], text: "Mean ± sample std over seeds (n seeds); ↑ higher is better, ↓ lower is better."))
            parts.append(AggregateTable.make(aggregates, showModel: showModel).html)
        }
        let notDone = jobs.filter { $0.status != .completed }
        if !notDone.isEmpty {
            parts.append(HTML.element("h3", text: "Not completed"))
            parts.append(HTML.element("ul", ["class": "jobs"], notDone.map { j in
                let what = j.status == .diverged ? "diverged at step \(j.divergedAtStep ?? 0)" : j.status.rawValue
                return HTML.element("li", text: jobName(variant: j.variant, seed: j.seed, model: j.model) + ": \(what): \(j.reason ?? "")")
            }))
        }
        let failed = results.failures.filter { $0.task == task }
        if !failed.isEmpty {
            parts.append(HTML.element("h3", text: "Failed (rerun to retry)"))
            parts.append(HTML.element("ul", ["class": "jobs"], failed.map {
                HTML.element("li", text: jobName(variant: $0.variant, seed: $0.seed, model: $0.model) + ": \($0.error)")
            }))
        }
        let taskRecords = records.filter { $0.task == task }
        if let mix = mixTable(taskRecords) {
            parts.append(HTML.element("h3", text: "Learned layer mix"))
            parts.append(HTML.element("p", ["class": "muted"], text: "softmax(w) per hidden state (0 = embeddings) and the scale γ at the end of training, mean over seeds."))
            parts.append(mix.html)
        }
        for (i, section) in sections.enumerated() where section.task == task {
            parts.append(section.html(id: "\(id)-section-\(i + 1)", nested: true))
        }
        let plots = PlotReport.plots(taskRecords)
        if !plots.isEmpty {
            parts.append(HTML.element("h3", text: "Plots"))
            parts.append(Self.plotGrid(plots.map(\.chart.figure)))
        }
        return HTML.element("section", ["class": "task", "id": id], parts)
    }

    /// Figures side by side where the page is wide enough.
    static func plotGrid(_ figures: [HTML]) -> HTML { HTML.element("div", ["class": "plots"], figures) }

    /// The final layer mix of every job that has one, per (model,) variant: mean weight per hidden state and
    /// mean γ over its seeds.
    func mixTable(_ records: [JobRecord]) -> ReportTable? {
        let withMix = records.filter { $0.status == .completed && $0.mix != nil }
        guard !withMix.isEmpty else { return nil }
        var layers: [Int] = []
        for r in withMix {
            for l in r.mix!.layers ?? Array(0..<r.mix!.weights.count) where !layers.contains(l) { layers.append(l) }
        }
        layers.sort()
        var keys: [(String, String)] = []
        for r in withMix where !keys.contains(where: { $0 == (r.model.name, r.variantName) }) { keys.append((r.model.name, r.variantName)) }
        let columns = (showModel ? [ReportTable.Column("model")] : []) + [ReportTable.Column("variant"), ReportTable.Column("seeds", .right)]
            + layers.map { ReportTable.Column("\($0)", .right) } + [ReportTable.Column("γ", .right)]
        return ReportTable(columns: columns, rows: keys.map { model, variant in
            let group = withMix.filter { $0.model.name == model && $0.variantName == variant }
            let cells = layers.map { layer -> ReportTable.Cell in
                let ws = group.compactMap { r -> Double? in
                    let mix = r.mix!
                    guard let i = (mix.layers ?? Array(0..<mix.weights.count)).firstIndex(of: layer), i < mix.weights.count else { return nil }
                    return mix.weights[i]
                }
                guard !ws.isEmpty else { return "—" }
                let mean = Aggregate.statistics(ws).mean
                return ReportTable.Cell(String(format: "%.3f", mean), data: ["layer": "\(layer)", "weight": "\(mean)"])
            }
            let gamma = Aggregate.statistics(group.map(\.mix!.gamma)).mean
            return (showModel ? [ReportTable.Cell(model)] : []) + [ReportTable.Cell(variant), ReportTable.Cell("\(group.count)")] + cells
                + [ReportTable.Cell(String(format: "%.3f", gamma))]
        })
    }

    func jobsSection() -> HTML {
        var rows: [[ReportTable.Cell]] = results.jobs.map { j in
            let mark: ReportTable.Mark? = j.status == .diverged ? .bad : j.status == .skipped ? .note : nil
            let what = j.status == .diverged ? "diverged at step \(j.divergedAtStep ?? 0)" : j.status.rawValue
            return [ReportTable.Cell(j.task), ReportTable.Cell(j.variant)] + (showModel ? [ReportTable.Cell(j.model)] : [])
                + [ReportTable.Cell("\(j.seed)"), ReportTable.Cell(what, mark: mark, data: ["job": j.id, "status": j.status.rawValue]),
                   ReportTable.Cell(Format.duration(j.seconds)), ReportTable.Cell(j.reason ?? "")]
        }
        rows += results.failures.map { f in
            [ReportTable.Cell(f.task), ReportTable.Cell(f.variant)] + (showModel ? [ReportTable.Cell(f.model)] : [])
                + [ReportTable.Cell("\(f.seed)"), ReportTable.Cell("failed" + (f.attempts.map { " (\($0) attempt(s))" } ?? ""), mark: .bad,
                                                                   data: ["job": f.id, "status": "failed"]),
                   ReportTable.Cell("—"), ReportTable.Cell(f.error)]
        }
        let columns = [ReportTable.Column("task"), ReportTable.Column("variant")] + (showModel ? [ReportTable.Column("model")] : [])
            + [ReportTable.Column("seed", .right), ReportTable.Column("status"), ReportTable.Column("time", .right), ReportTable.Column("reason or error")]
        var parts = [HTML.element("h2", text: "Jobs")]
        parts.append(HTML.element("p", ["class": "muted"], text: "Every finished and failed job of this directory; running and pending ones are listed under Status."))
        parts.append(ReportTable(columns: columns, rows: rows).html)
        return HTML.element("section", ["id": "jobs"], parts)
    }
}
