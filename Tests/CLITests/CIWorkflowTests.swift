import BermoHarness
import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// The ready-to-copy workflows of `docs/ci/`, parsed and run here: every `run:` step of the GitHub Actions workflow
/// and every `script:` line of the GitLab job, in their order, with the workflow's own variables, as their runners run
/// them (bash with `-eo pipefail` from the repository's root; GitHub stops at the first failed step, GitLab's lines share
/// one shell). What does not run here is listed explicitly: the checkout, cache and upload actions, and the release
/// build (too slow for a test: `BERMO` points at the already-built bermo instead). The variables are pointed at a tiny
/// real suite (a 96-sentence slice of SentEval's Tense, frozen MiniLM features: seconds), its baseline from a run here,
/// the real model cache and data, and a temporary `$GITHUB_STEP_SUMMARY`; the gate passes against that baseline and fails,
/// annotated, against a doctored copy.
@Suite("docs/ci workflows run locally with the variables CI sets")
struct CIWorkflowTests {
    static let github = CLI.packageRoot.appendingPathComponent("docs/ci/github-actions.yml")
    static let gitlab = CLI.packageRoot.appendingPathComponent("docs/ci/gitlab-ci.yml")

    /// The steps that cannot run on a development machine, by name (GitHub) or line (GitLab).
    static let skippedGitHubSteps = ["Check out", "Cache the Swift build", "Cache the model and the data", "Build",
                                     "Upload the report and the JUnit XML"]
    static let skippedGitLabLines = ["swift build -c release --product bermo"]

    /// A workflow step or script line: what it runs (nil for an action, `uses:`).
    struct Step { var name: String; var script: String? }

    /// The outcome of running a workflow's steps.
    struct Outcome {
        var ran: [(name: String, result: CLI.Result)] = []
        var skipped: [String] = []
        var last: CLI.Result? { ran.last?.result }
    }

    /// The tiny suite, its baseline and a doctored copy, and the values the workflow variables take here.
    struct Fixture {
        let dir: TemporaryDirectory
        let baseline: URL, doctored: URL
        func variables(baseline: URL) throws -> [String: String] {
            let models = try TestModel.minilmDirectory()   // <cache>/models/minilm-l6
            return ["BERMO": CLI.binary.path, "BERMO_CACHE": models.deletingLastPathComponent().deletingLastPathComponent().path,
                    "BERMO_DATA": DataPaths.root.path, "SUITE": dir.file("suite.yaml").path, "BASELINE": baseline.path,
                    "OUTPUT": dir.file("output").path]
        }
    }

    static func fixture() throws -> Fixture {
        let dir = try TemporaryDirectory()
        let lines = try String(contentsOf: DataPaths.senteval("past_present.txt"), encoding: .utf8).split(separator: "\n")
        let slice = [("tr", 48), ("va", 24), ("te", 24)].flatMap { split, count in lines.filter { $0.hasPrefix("\(split)\t") }.prefix(count) }
        try dir.write(slice.joined(separator: "\n") + "\n", to: "tense.tsv")
        let suite = try dir.write("""
            suite: workflow-test
            model: minilm-l6
            variants: [bert, bermo]
            seeds: [1]
            tasks:
              - {task: tense, plugin: senteval.probe, file: tense.tsv, pooling: mean, max_epoch: 8}

            """, to: "suite.yaml")
        let first = try CLI.run(["run", suite.path, "--output-dir", dir.file("baseline-run").path, "--threads", "2"])
        try #require(first.status == 0, "the baseline run failed: \(first.stderr)")
        let baseline = dir.file("baseline-run/results.json")
        // The doctored baseline: BERT's accuracy 0.2 higher (now a regression), BERMo's 0.2 lower (an improvement).
        var results = try Outputs.json(baseline)
        var aggregates = try #require(results["aggregates"] as? [[String: Any]])
        for (i, row) in aggregates.enumerated() where row["task"] as? String == "tense" && row["metric"] as? String == "accuracy" {
            let shift = row["variant"] as? String == "bert" ? 0.2 : -0.2
            aggregates[i]["mean"] = try #require(row["mean"] as? Double) + shift
        }
        results["aggregates"] = aggregates
        let doctored = dir.file("doctored.json")
        try JSONSerialization.data(withJSONObject: results).write(to: doctored)
        return Fixture(dir: dir, baseline: baseline, doctored: doctored)
    }

    /// A mapping's string values (a workflow's `env:`, a job's `variables:`).
    static func strings(_ node: ConfigNode?) throws -> [String: String] {
        let entries = try #require(node?.entries, "expected a mapping")
        return Dictionary(uniqueKeysWithValues: try entries.map { ($0.key, try #require($0.value.string, "\($0.key) is not a string")) })
    }

    /// `bash -eo pipefail`, as both runners run a script, from the repository's root.
    static func bash(_ script: String, _ environment: [String: String]) throws -> CLI.Result {
        try CLI.run(executable: URL(fileURLWithPath: "/bin/bash"), ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                    cwd: CLI.packageRoot, environment: environment, timeout: 300)
    }

    // MARK: GitHub Actions

    static func githubWorkflow() throws -> (env: [String: String], steps: [Step]) {
        let root = try YAMLFile.load(github, displayPath: github.path)
        #expect(root["defaults"]?["run"]?["shell"]?.string == "bash")
        let job = try #require(root["jobs"]?["gate"])
        let steps = try #require(job["steps"]?.items).map { step in
            Step(name: try #require(step["name"]?.string, "a step without a name"), script: step["run"]?.string)
        }
        return (try strings(root["env"]), steps)
    }

    /// Runs the workflow's runnable steps until one fails, as GitHub does.
    static func runGitHub(_ steps: [Step], _ environment: [String: String]) throws -> Outcome {
        var outcome = Outcome()
        for step in steps {
            guard let script = step.script, !script.hasPrefix("swift build") else { outcome.skipped.append(step.name); continue }
            let result = try bash(script, environment)
            outcome.ran.append((step.name, result))
            if result.status != 0 { break }
        }
        return outcome
    }

    @Test("GitHub Actions: the steps pass against the baseline, and fail with annotations and a step summary against a doctored one")
    func githubActionsWorkflow() throws {
        let fixture = try Self.fixture(); defer { fixture.dir.cleanup() }
        let (env, steps) = try Self.githubWorkflow()
        let here = try fixture.variables(baseline: fixture.baseline)
        // Every variable the workflow declares is one this test sets, so no step reads a value meant for a runner.
        #expect(Set(env.keys) == Set(here.keys), "the workflow's env: \(env.keys.sorted())")
        #expect(env["BERMO"] == ".build/release/bermo")

        let summary = fixture.dir.file("step_summary.md")
        try Data().write(to: summary)
        let passing = try Self.runGitHub(steps, env.merging(here) { _, local in local }.merging(["GITHUB_STEP_SUMMARY": summary.path]) { _, s in s })
        #expect(passing.skipped == Self.skippedGitHubSteps)
        #expect(passing.ran.map(\.name) == steps.map(\.name).filter { !Self.skippedGitHubSteps.contains($0) })
        for (name, result) in passing.ran { #expect(result.status == 0, "\(name): \(result.stderr)") }
        let gate = try #require(passing.ran.last { $0.name == "Gate against the committed baseline" }?.result)
        #expect(!gate.stdout.contains("::error") && !gate.stdout.contains("::warning"), "\(gate.stdout)")
        // The step summary: the run's summary.md (`bermo run` adds it), then the gate's report.
        let text = try String(contentsOf: summary, encoding: .utf8)
        let runSummary = try String(contentsOf: fixture.dir.file("output/summary.md"), encoding: .utf8)
        #expect(text.hasPrefix(runSummary + "\n### bermo compare: suite workflow-test\n") && text.contains("— OK"), "\(text)")
        // What the upload step keeps: the report and the JUnit XML in the output directory.
        let upload = try #require(try YAMLFile.load(Self.github, displayPath: Self.github.path)["jobs"]?["gate"]?["steps"]?.items?
            .first { $0["name"]?.string == "Upload the report and the JUnit XML" })
        #expect(upload["with"]?["path"]?.string == "${{ env.OUTPUT }}/report.html\n${{ env.OUTPUT }}/junit.xml\n")
        #expect(FileManager.default.fileExists(atPath: fixture.dir.file("output/junit.xml").path))

        let doctored = try fixture.variables(baseline: fixture.doctored)
        try Data("## an earlier step\n".utf8).write(to: summary)
        let failing = try Self.runGitHub(steps, env.merging(doctored) { _, local in local }.merging(["GITHUB_STEP_SUMMARY": summary.path]) { _, s in s })
        #expect(failing.ran.last?.name == "Gate against the committed baseline" && failing.last?.status == 1, "\(failing.last?.stderr ?? "")")
        let lines = (failing.last?.stdout ?? "").split(separator: "\n")
        let errors = lines.filter { $0.hasPrefix("::error ") }, warnings = lines.filter { $0.hasPrefix("::warning ") }
        #expect(errors.count == 1 && errors[0].hasPrefix("::error title=bermo gate%3A tense / bert / accuracy (minilm-l6) regressed::"), "\(errors)")
        #expect(warnings.count == 1 && warnings[0].hasPrefix("::warning title=bermo gate%3A tense / bermo / accuracy (minilm-l6) improved::"), "\(warnings)")
        let failedSummary = try String(contentsOf: summary, encoding: .utf8)
        #expect(failedSummary.hasPrefix("## an earlier step\n" + runSummary + "\n### bermo compare: suite workflow-test\n")
                && failedSummary.contains("REGRESSED"), "\(failedSummary)")
    }

    // MARK: GitLab CI

    static func gitlabJob() throws -> (variables: [String: String], script: [String], job: ConfigNode) {
        let root = try YAMLFile.load(gitlab, displayPath: gitlab.path)
        let job = try #require(root["bermo-gate"])
        let script = try #require(job["script"]?.items).map { try #require($0.string, "a script line that is not a string") }
        return (try strings(root["variables"]), script, job)
    }

    /// Runs the job's script lines but the skipped ones, in one shell, as GitLab's runner does.
    static func runGitLab(_ script: [String], _ environment: [String: String]) throws -> (result: CLI.Result, skipped: [String]) {
        let skipped = script.filter { $0.hasPrefix("swift build") }
        return (try bash(script.filter { !skipped.contains($0) }.joined(separator: "\n"), environment), skipped)
    }

    @Test("GitLab CI: the script passes against the baseline, and fails with the Markdown report against a doctored one")
    func gitlabWorkflow() throws {
        let fixture = try Self.fixture(); defer { fixture.dir.cleanup() }
        let (variables, script, job) = try Self.gitlabJob()
        let here = try fixture.variables(baseline: fixture.baseline)
        #expect(Set(variables.keys) == Set(here.keys), "the job's variables: \(variables.keys.sorted())")

        let (passing, skipped) = try Self.runGitLab(script, variables.merging(here) { _, local in local })
        #expect(skipped == Self.skippedGitLabLines)
        #expect(passing.status == 0, "\(passing.stderr)")
        #expect(passing.stdout.contains("### bermo compare: suite workflow-test\n") && !passing.stdout.contains("::"), "\(passing.stdout)")
        // The artifacts and the JUnit report GitLab collects, with $OUTPUT as it is here.
        let output = here["OUTPUT"] ?? ""
        let paths = try #require(job["artifacts"]?["paths"]?.items).compactMap(\.string).map { $0.replacingOccurrences(of: "$OUTPUT", with: output) }
        #expect(paths == ["report.html", "junit.xml", "gate.md"].map { "\(output)/\($0)" })
        let junit = try #require(job["artifacts"]?["reports"]?["junit"]?.string).replacingOccurrences(of: "$OUTPUT", with: output)
        for file in [junit, "\(output)/gate.md"] { #expect(FileManager.default.fileExists(atPath: file), "\(file)") }
        #expect(job["artifacts"]?["when"]?.string == "always")

        let (failing, _) = try Self.runGitLab(script, variables.merging(try fixture.variables(baseline: fixture.doctored)) { _, local in local })
        #expect(failing.status == 1, "\(failing.stderr)")
        let report = try String(contentsOfFile: "\(output)/gate.md", encoding: .utf8)
        #expect(report.hasPrefix("### bermo compare: suite workflow-test\n") && report.contains("REGRESSED") && failing.stdout.contains(report),
                "\(report)")
    }
}
