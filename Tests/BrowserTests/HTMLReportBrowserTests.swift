import BermoTestSupport
import Foundation
import Testing

/// The HTML report of one real small run (`SmallSuite` with its pruning task: the real checkpoint on real
/// SentEval and SST-2 data, 6 jobs) opened in a real headless Chromium: the page `bermo run` wrote, and the
/// page `bermo report html --baseline` writes against a baseline in which one metric was better.
@Suite(.serialized) struct HTMLReportBrowserTests {
    @Test("report.html of a real run loads in Chromium without console errors or requests, draws every plot, is not blank, and shows results.json's numbers")
    func realRunInChromium() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let suite = try SmallSuite.write(in: dir.url, long: false, pruning: true)
        let run = try CLI.run(["run", suite.path, "--threads", "2"], timeout: 1200)
        try #require(run.status == 0, "bermo run failed:\n\(run.stderr)")
        let out = dir.url.appendingPathComponent("out")
        let page = out.appendingPathComponent("report.html")
        try #require(FileManager.default.fileExists(atPath: page.path), "bermo run wrote no report.html")
        let results = try Outputs.json(out.appendingPathComponent("results.json"))
        let records = try FileManager.default.contentsOfDirectory(at: out.appendingPathComponent("jobs"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.map(Outputs.json)

        // A baseline in which tense · bert · accuracy was 0.2 higher: the gate must call it a regression.
        var baseline = results
        var aggregates = try #require(results["aggregates"] as? [[String: Any]])
        let regressed = try #require(aggregates.firstIndex { $0["task"] as? String == "tense" && $0["variant"] as? String == "bert"
            && $0["metric"] as? String == "accuracy" })
        aggregates[regressed]["mean"] = (aggregates[regressed]["mean"] as? Double ?? 0) + 0.2
        baseline["aggregates"] = aggregates
        let baselineFile = dir.file("baseline.json")
        try JSONSerialization.data(withJSONObject: baseline).write(to: baselineFile)
        let gatedPage = out.appendingPathComponent("gated.html")
        let report = try CLI.run(["report", "html", out.path, "--baseline", baselineFile.path, "--output", gatedPage.path], timeout: 300)
        try #require(report.status == 0, "bermo report html failed:\n\(report.stderr)")

        try HeadlessChromium.with { browser in
            // The blank reference: an empty tab's screenshot is one colour, so the census below can tell.
            let blank = try BrowserPage.open(dir.write("<!DOCTYPE html><title>blank</title>", to: "blank.html"), in: browser)
            let blankCensus = try PixelCensus.of(try blank.screenshot(), in: blank)
            #expect(blankCensus.colours == 1, "a blank page's screenshot has \(blankCensus.colours) colours")

            for file in [page, gatedPage] {
                let tab = try BrowserPage.open(file, in: browser)
                #expect(tab.problems.isEmpty, "\(file.lastPathComponent): \(tab.problems.joined(separator: "\n"))")
                #expect(tab.requests == [tab.url], "\(file.lastPathComponent) is not self-contained: it requested \(tab.requests)")
                let dom = try #require(try tab.evaluate(Self.domFacts) as? [String: Any])
                #expect(dom["title"] as? String == "bermo: cluster-small")
                try Self.checkPlots(dom, records: records, page: file.lastPathComponent)
                try Self.checkNumbers(dom, results: results, page: file.lastPathComponent)
                let text = dom["text"] as? String ?? ""
                #expect((dom["banners"] as? [String] ?? []).contains { $0.hasPrefix("Complete.") }, "\(dom["banners"] ?? [])")
                try Self.checkProvenance(text, results: results, records: records)

                let shot = try tab.screenshot()
                let census = try PixelCensus.of(shot, in: tab)
                #expect(census.width == 1280 && census.height == 900)
                #expect(census.colours > 50 && census.dominantShare < 0.97, "the screenshot looks blank: \(census)")
                if let keep = ProcessInfo.processInfo.environment["BERMO_SCREENSHOT_DIR"], !keep.isEmpty {
                    try shot.write(to: URL(fileURLWithPath: keep).appendingPathComponent(file.deletingPathExtension().lastPathComponent + ".png"))
                }
            }

            // The gate: every metric of results.json has a verdict; the one pushed down is a highlighted regression.
            let gated = try BrowserPage.open(gatedPage, in: browser)
            let dom = try #require(try gated.evaluate(Self.domFacts) as? [String: Any])
            let verdicts = dom["gate"] as? [[String: Any]] ?? []
            #expect(verdicts.count == aggregates.count, "\(verdicts.count) verdicts for \(aggregates.count) metrics")
            for v in verdicts {
                let isRegressed = v["task"] as? String == "tense" && v["variant"] as? String == "bert" && v["metric"] as? String == "accuracy"
                #expect(v["verdict"] as? String == (isRegressed ? "regressed" : "within"), "\(v)")
                #expect((v["rowClass"] as? String ?? "").contains("mark-bad") == isRegressed, "\(v)")
            }
            #expect((dom["banners"] as? [String] ?? []).contains { $0.hasPrefix("Regression.") }, "\(dom["banners"] ?? [])")

            // Printable: the print stylesheet hides the navigation, and the page prints to a PDF with pages.
            try browser.call("Emulation.setEmulatedMedia", ["media": "print"], session: gated.session)
            #expect(try gated.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") as? String == "none")
            let pdf = try gated.pdf()
            #expect(pdf.starts(with: Data("%PDF".utf8)) && pdf.count > 10_000, "printToPDF gave \(pdf.count) bytes")
        }
    }

    /// What the checks read from the page after layout: plots and images with their rendered sizes, tables,
    /// every number cell's data, the gate's verdicts, the banners and the visible text.
    static let domFacts = """
        (() => {
          const box = e => { const b = e.getBoundingClientRect(); return { w: b.width, h: b.height }; };
          return {
            title: document.title,
            plots: [...document.querySelectorAll('figure.plot svg')].map(s => ({ ...box(s),
              title: (s.querySelector('title') || {}).textContent || '', lines: s.querySelectorAll('path.line').length })),
            images: [...document.images].map(i => ({ src: i.src, ...box(i), natural: i.naturalWidth })),
            tables: [...document.querySelectorAll('table')].map(t => ({ ...box(t), rows: t.rows.length })),
            metrics: [...document.querySelectorAll('td[data-metric][data-mean]')].map(td => ({ ...td.dataset, text: td.textContent })),
            gate: [...document.querySelectorAll('td[data-verdict]')].map(td => ({ ...td.dataset, rowClass: td.closest('tr').className })),
            comparisons: [...document.querySelectorAll('td[data-reference]')].map(td => ({ ...td.dataset, row: td.closest('tr').innerText })),
            jobs: [...document.querySelectorAll('td[data-job]')].map(td => ({ ...td.dataset })),
            banners: [...document.querySelectorAll('.banner')].map(b => b.textContent),
            text: document.body.innerText,
          };
        })()
        """

    /// Every series of every job record is drawn (a titled SVG with a line), every plot and table has a size.
    static func checkPlots(_ dom: [String: Any], records: [[String: Any]], page: String) throws {
        let plots = dom["plots"] as? [[String: Any]] ?? []
        var expected: [String] = []
        for r in records where r["status"] as? String != "skipped" {
            for s in r["series"] as? [[String: Any]] ?? [] {
                let title = "\(r["task"] as? String ?? "?"): \(s["name"] as? String ?? "?")"
                if !expected.contains(title) { expected.append(title) }
            }
        }
        #expect(!expected.isEmpty)
        let titles = plots.map { $0["title"] as? String ?? "" }
        for title in expected { #expect(titles.contains(title), "\(page): no plot \"\(title)\" among \(titles)") }
        // The pruning section's dev-score-vs-remaining-weights chart comes on top of the jobs' series.
        #expect(titles.contains { $0.contains("dev score vs remaining weights") && $0.hasPrefix("movement") }, "\(titles)")
        for p in plots {
            #expect((p["w"] as? Double ?? 0) > 100 && (p["h"] as? Double ?? 0) > 50, "\(page): plot \(p["title"] ?? "?") is \(p["w"] ?? 0)×\(p["h"] ?? 0)")
            #expect((p["lines"] as? Int ?? 0) > 0, "\(page): plot \(p["title"] ?? "?") has no line")
        }
        for i in dom["images"] as? [[String: Any]] ?? [] {
            #expect((i["natural"] as? Int ?? 0) > 0 && (i["w"] as? Double ?? 0) > 0, "\(page): image \(i) did not render")
        }
        let tables = dom["tables"] as? [[String: Any]] ?? []
        #expect(!tables.isEmpty)
        for t in tables { #expect((t["h"] as? Double ?? 0) > 0 && (t["rows"] as? Int ?? 0) > 1, "\(page): empty table \(t)") }
    }

    /// Every aggregate of results.json is in the page exactly (its data attributes) and as shown (four decimals).
    static func checkNumbers(_ dom: [String: Any], results: [String: Any], page: String) throws {
        let cells = dom["metrics"] as? [[String: String]] ?? []
        let aggregates = results["aggregates"] as? [[String: Any]] ?? []
        #expect(cells.count == aggregates.count, "\(page): \(cells.count) metric cells for \(aggregates.count) aggregates")
        for a in aggregates {
            let key = ["task", "variant", "metric", "model"].map { a[$0] as? String ?? "" }
            let cell = cells.first { c in ["task", "variant", "metric", "model"].map { c[$0] ?? "" } == key }
            guard let cell else { Issue.record("\(page): no cell for \(key)"); continue }
            let mean = try #require(a["mean"] as? Double)
            #expect(Double(cell["mean"] ?? "") == mean, "\(page): \(key) data-mean \(cell["mean"] ?? "-") vs results.json \(mean)")
            let shown = try #require(cell["text"])
            #expect(shown.hasPrefix(display(mean)), "\(page): \(key) shows \(shown), results.json has \(mean)")
            #expect(shown.hasSuffix("(n=\(a["n"] as? Int ?? -1))"), "\(page): \(key) shows \(shown)")
            if let std = a["std"] as? Double { #expect(shown.contains("± \(display(std))"), "\(page): \(key) shows \(shown)") }
        }
        // Paired differences: the mean Δ exactly, the interval or "not enough seeds", whether it excludes 0.
        let shownComparisons = dom["comparisons"] as? [[String: String]] ?? []
        let comparisons = try #require(results["comparisons"] as? [[String: Any]], "\(page): results.json has no comparisons")
        #expect(!comparisons.isEmpty && shownComparisons.count == comparisons.count,
                "\(page): \(shownComparisons.count) comparison rows for \(comparisons.count) in results.json")
        for c in comparisons {
            let key = ["task", "metric", "variant", "reference", "model"].map { c[$0] as? String ?? "" }
            guard let row = shownComparisons.first(where: { r in ["task", "metric", "variant", "reference", "model"].map { r[$0] ?? "" } == key })
            else { Issue.record("\(page): no comparison row for \(key)"); continue }
            #expect(Double(row["difference"] ?? "") == c["mean_difference"] as? Double, "\(page): \(key): \(row) vs \(c)")
            #expect(row["n"] == "\(c["n"] as? Int ?? -1)")
            if let interval = c["interval"] as? [String: Any] {
                #expect(Double(row["low"] ?? "") == interval["low"] as? Double && Double(row["high"] ?? "") == interval["high"] as? Double)
                #expect(row["excludesZero"] == "\(c["excludes_zero"] as? Bool ?? false)")
            } else {
                #expect((c["n"] as? Int ?? 0) < 2 && (row["row"] ?? "").contains("not enough seeds"), "\(page): \(key): \(row)")
            }
        }
        let jobs = dom["jobs"] as? [[String: String]] ?? []
        for job in results["jobs"] as? [[String: Any]] ?? [] {
            #expect(jobs.contains { $0["job"] == job["id"] as? String && $0["status"] == job["status"] as? String },
                    "\(page): job \(Outputs.name(job)) not listed with status \(job["status"] ?? "?")")
        }
    }

    /// How reports print a number: four decimals, scientific notation below 1e-3 and from 1e6 on.
    static func display(_ x: Double) -> String {
        x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e6) ? String(format: "%.3e", x) : String(format: "%.4f", x)
    }

    /// What computed the run, as results.json and the job records say it: commit, model and data digests, machine.
    static func checkProvenance(_ text: String, results: [String: Any], records: [[String: Any]]) throws {
        let bermo = try #require(results["bermo"] as? [String: Any])
        let environment = try #require(results["environment"] as? [String: Any])
        var facts = [bermo["git_commit"] as? String, environment["blas_core"] as? String, environment["kernel"] as? String]
        facts += (results["jobs"] as? [[String: Any]] ?? []).map { $0["model_sha256"] as? String }
        for r in records { facts += (r["data_files"] as? [[String: Any]] ?? []).map { $0["sha256"] as? String } }
        for fact in facts {
            let value = try #require(fact)
            #expect(text.contains(value), "the page does not show \(value)")
        }
    }
}

/// The checks above can fail: a page with a console error, an uncaught exception, a request for a file that
/// is not there and an image that does not load is caught by each of them.
@Suite struct BrowserCheckTests {
    @Test("console errors, exceptions, requests and broken images are seen")
    func brokenPageIsCaught() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let file = try dir.write("""
            <!DOCTYPE html><html><head><title>broken</title><link rel="stylesheet" href="missing.css"></head>
            <body><img src="missing.png" alt="x"><script>console.error("boom"); undefinedFunction();</script></body></html>
            """, to: "broken.html")
        try HeadlessChromium.with { browser in
            let page = try BrowserPage.open(file, in: browser)
            let problems = page.problems
            #expect(problems.contains { $0.hasPrefix("console.error: boom") }, "\(problems)")
            #expect(problems.contains { $0.hasPrefix("uncaught exception:") && $0.contains("undefinedFunction") }, "\(problems)")
            #expect(problems.contains { $0.contains("missing.png") }, "\(problems)")
            #expect(page.requests.count == 3 && page.requests.contains { $0.hasSuffix("missing.css") }, "\(page.requests)")
            let dom = try #require(try page.evaluate(HTMLReportBrowserTests.domFacts) as? [String: Any])
            let images = dom["images"] as? [[String: Any]] ?? []
            #expect(images.count == 1 && images[0]["natural"] as? Int == 0)
        }
    }
}

/// A results.json whose every name and message is markup (suites and results are untrusted) makes a page that,
/// in the browser, runs nothing and shows the markup as text.
@Suite struct HostileResultsInBrowserTests {
    @Test("names and messages that are markup are shown as text: no script runs, no element is injected")
    func hostileResults() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let evil = #"<script>console.error("injected")</script><img src=x onerror="console.error('img')"><b>bold</b>"#
        let job: [String: Any] = ["id": "j1", "model": evil, "model_sha256": evil, "variant": evil, "task": evil, "plugin": evil, "seed": 1,
                                  "status": "diverged", "reason": evil, "diverged_at_step": 3, "metrics": [evil: 0.5], "seconds": 1.0,
                                  "started_at": evil]
        let aggregate: [String: Any] = ["model": evil, "variant": evil, "task": evil, "metric": evil, "higher_is_better": true,
                                        "values": [["seed": 1, "value": 0.5]], "mean": 0.5, "n": 1]
        let results: [String: Any] = [
            "schema_version": 2, "created_at": evil, "planned_jobs": ["j1", "j2"], "jobs": [job], "aggregates": [aggregate],
            "suite": ["name": evil, "hash": evil, "file": evil, "description": evil, "tolerance": ["metrics": [:]]],
            "bermo": ["version": evil, "git_commit": evil],
            "environment": ["os": evil, "kernel": evil, "architecture": evil, "cores": 2, "threads": 1, "swift_version": evil, "blas_core": evil],
            "failures": [["id": "j2", "task": evil, "variant": evil, "model": evil, "seed": 2, "error": evil]],
        ]
        let out = dir.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("jobs"), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: results).write(to: out.appendingPathComponent("results.json"))
        let report = try CLI.run(["report", "html", out.path], timeout: 120)
        try #require(report.status == 0, "bermo report html failed:\n\(report.stderr)")
        try HeadlessChromium.with { browser in
            let page = try BrowserPage.open(out.appendingPathComponent("report.html"), in: browser)
            #expect(page.problems.isEmpty, "\(page.problems)")
            #expect(page.requests == [page.url], "\(page.requests)")
            let facts = try #require(try page.evaluate("""
                ({ scripts: document.scripts.length, images: document.images.length, bold: document.querySelectorAll('b').length,
                   handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
                   title: document.title, text: document.body.innerText })
                """) as? [String: Any])
            #expect(facts["scripts"] as? Int == 0 && facts["images"] as? Int == 0 && facts["bold"] as? Int == 0 && facts["handlers"] as? Int == 0,
                    "\(facts)")
            #expect(facts["title"] as? String == "bermo: \(evil)")
            #expect((facts["text"] as? String ?? "").components(separatedBy: evil).count > 10, "the markup is not shown as text")
        }
    }
}
