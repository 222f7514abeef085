import Foundation

extension HTMLReport {
    /// One task: its metrics, the paired differences, jobs that did not complete or failed, the learned layer
    /// mix, what its plugin adds, and the plots of its jobs' series.
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
        let comparisons = (results.comparisons ?? []).filter { $0.task == task }
        if !comparisons.isEmpty {
            parts.append(HTML.element("h3", text: "Paired differences over seeds"))
            parts.append(HTML.element("p", ["class": "muted"], text: PairedComparisonTable.explanation
                + " Highlighted where the interval excludes 0: green when it favours the variant, red when it favours the reference."))
            parts.append(PairedComparisonTable.table(comparisons).html)
            // One line per pair and note, naming its metrics (three metrics with one seed make one line, not three).
            var notes: [(pair: String, note: String, metrics: [String])] = []
            for c in comparisons {
                guard let note = c.note else { continue }
                let pair = "\(c.variant) − \(c.reference)"
                if let i = notes.firstIndex(where: { $0.pair == pair && $0.note == note }) { notes[i].metrics.append(c.metric) }
                else { notes.append((pair, note, [c.metric])) }
            }
            if !notes.isEmpty {
                parts.append(HTML.element("ul", ["class": "jobs"], notes.map {
                    HTML.element("li", text: "\($0.pair) (\($0.metrics.joined(separator: ", "))): \($0.note)")
                }))
            }
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
