import Foundation

extension HTMLReport {
    /// What computed the run: bermo's release and commit (and those of reused jobs), the suite's hash, the model's
    /// and every data file's digest (hashed into the job ids), the plugins, the machine and OpenBLAS's kernel.
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
}
