import BermoHarness
import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// A test-only plugin whose computation is chosen in code, so a test can change what it computes while
/// keeping its version, exactly the mistake the golden checks exist to catch.
struct FormulaPlugin: TaskPlugin {
    struct Config: Settings {
        @Setting("slope", .in(0...10), help: "The slope of the line the plugin computes.") var slope = 2.0
        init() {}
    }

    let id = "golden.formula"
    var version: Int
    /// y for a slope and a seed.
    var formula: @Sendable (Double, Int) -> Double
    let summary = "Test plugin: y = formula(slope, seed)"

    func prepare(_ config: Config, context: PrepareContext) throws -> any PreparedTask { Line(config: config, formula: formula) }

    struct Line: PreparedTask {
        let config: Config
        let formula: @Sendable (Double, Int) -> Double
        var settings: any Settings { config }
        var dataFiles: [DataFile] { [] }
        var metrics: [MetricDeclaration] { [MetricDeclaration("y")] }

        func run(_ job: JobContext) throws -> JobOutcome {
            let y = formula(config.slope, job.seed)
            return .completed(["y": y], series: [Series(name: "y by step", xLabel: "step", yLabel: "y",
                                                         points: (1...3).map { Series.Point(x: Double($0), y: y * Double($0)) })],
                              details: ["steps": [1, 2, 3]])
        }
    }
}

/// The test that proves a result change without a version bump fails: the golden mechanism the real
/// plugins are checked with (`GoldenOutputs` over a finished run, `GoldenCheck.reconcile`, the fixture
/// file's round trip), driven with `FormulaPlugin` through `SuiteRunner`, no model needed.
@Suite struct GoldenMechanismTests {
    static let subjects = GoldenSubjects(fixture: "golden.json", kind: "plugin", recordCommand: "record",
                                         bumpAdvice: { id in "bump the `version` of plugin `\(id)`" })

    /// Runs a two-seed suite of `plugin` and returns its outputs as the golden test records them.
    func outputs(of plugin: FormulaPlugin, in directory: TemporaryDirectory) throws -> [String: GoldenEntry] {
        let registry = PluginRegistry()
        registry.register(plugin.id) { plugin }
        let suite = try directory.write("""
            suite: golden-mechanism
            model: minilm-l6
            seeds: [1, 2]
            tasks:
              - {task: line, plugin: golden.formula, slope: 3}

            """, to: "suite.yaml")
        var options = RunOptions(dataDirectory: directory.file("data"), cacheDirectory: directory.file("cache"))
        let output = directory.file("out-\(UUID().uuidString.prefix(8))")
        options.outputDirectory = output
        options.threads = 1
        _ = try SuiteRunner(registry: registry, options: options, console: RecordingConsole()).run(suitePath: suite.path)
        let entry = GoldenEntry(versions: ["version": plugin.version, "numerics": Numerics.version],
                                outputs: try GoldenOutputs.jobs(inRun: output))
        return [plugin.id: entry]
    }

    /// Writes `file` and reads it back, as a recording and the next check do.
    func roundTrip(_ file: GoldenFile, in directory: TemporaryDirectory) throws -> GoldenFile {
        let url = directory.file("golden.json")
        try file.write(to: url)
        return try GoldenFile.read(url)
    }

    @Test("a changed result with the same version fails and cannot be recorded; after a bump it is re-recorded and passes")
    func changeWithoutBumpFails() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let original = FormulaPlugin(version: 1) { slope, seed in slope * Double(seed) + 1 }

        // Nothing recorded: the check asks for a recording; recording stores the outputs.
        let first = try outputs(of: original, in: directory)
        let unrecorded = GoldenCheck.reconcile(recorded: GoldenFile(entries: [:]), current: first, subjects: Self.subjects, recording: false)
        #expect(unrecorded.failures.count == 1 && unrecorded.failures[0].contains("has no recorded outputs"), "\(unrecorded.failures)")
        let recorded = GoldenCheck.reconcile(recorded: GoldenFile(entries: [:]), current: first, subjects: Self.subjects, recording: true)
        #expect(recorded.failures.isEmpty)
        var fixture = try roundTrip(recorded.file, in: directory)
        #expect(fixture.entries["golden.formula"]?.versions == ["version": 1, "numerics": Numerics.version])

        // The same code again, and the same code off by less than the tolerance: both match.
        let again = GoldenCheck.reconcile(recorded: fixture, current: try outputs(of: original, in: directory),
                                          subjects: Self.subjects, recording: false)
        #expect(again.failures.isEmpty, "\(again.failures)")
        let noise = FormulaPlugin(version: 1) { slope, seed in (slope * Double(seed) + 1) * (1 + 1e-9) }
        #expect(GoldenCheck.reconcile(recorded: fixture, current: try outputs(of: noise, in: directory),
                                      subjects: Self.subjects, recording: false).failures.isEmpty)

        // The computation changes, the version does not: the check fails naming what changed and the bump...
        let changed = FormulaPlugin(version: 1) { slope, seed in slope * Double(seed) + 1.01 }
        let changedOutputs = try outputs(of: changed, in: directory)
        let caught = GoldenCheck.reconcile(recorded: fixture, current: changedOutputs, subjects: Self.subjects, recording: false)
        #expect(caught.failures.count == 1)
        let message = caught.failures.first ?? ""
        for fragment in ["plugin `golden.formula`: results changed", "line · bert · seed 1.metrics.y: 4.0 → 4.01",
                         "bump the `version` of plugin `golden.formula`", "then re-record: `record`"] {
            #expect(message.contains(fragment), "message lacks “\(fragment)”: \(message)")
        }
        // ... and recording refuses, leaving the recorded outputs as they were.
        let refused = GoldenCheck.reconcile(recorded: fixture, current: changedOutputs, subjects: Self.subjects, recording: true)
        #expect(refused.file == fixture)
        #expect(refused.failures.count == 1 && refused.failures[0].contains("recording refused"), "\(refused.failures)")

        // Bumped: the check now asks for a re-recording (it cannot tell a bump from a stale fixture)...
        let bumped = FormulaPlugin(version: 2, formula: changed.formula)
        let bumpedOutputs = try outputs(of: bumped, in: directory)
        let stale = GoldenCheck.reconcile(recorded: fixture, current: bumpedOutputs, subjects: Self.subjects, recording: false)
        #expect(stale.failures.count == 1 && stale.failures[0].contains("recorded with numerics \(Numerics.version), version 1, now numerics \(Numerics.version), version 2; re-record"),
                "\(stale.failures)")
        // ... which is allowed, and then the check passes.
        let rerecorded = GoldenCheck.reconcile(recorded: fixture, current: bumpedOutputs, subjects: Self.subjects, recording: true)
        #expect(rerecorded.failures.isEmpty)
        fixture = try roundTrip(rerecorded.file, in: directory)
        #expect(GoldenCheck.reconcile(recorded: fixture, current: bumpedOutputs, subjects: Self.subjects, recording: false).failures.isEmpty)
    }

    @Test("outputs of a subject that no longer exists fail the check and are dropped by a recording")
    func staleEntry() {
        let entry = GoldenEntry(versions: ["version": 1], outputs: ["y": 1.0])
        let file = GoldenFile(entries: ["gone.plugin": entry, "kept": entry])
        let check = GoldenCheck.reconcile(recorded: file, current: ["kept": entry], subjects: Self.subjects, recording: false)
        #expect(check.failures == ["golden.json: `gone.plugin` has recorded outputs but is no plugin of this build; re-record to drop it: `record`"])
        let record = GoldenCheck.reconcile(recorded: file, current: ["kept": entry], subjects: Self.subjects, recording: true)
        #expect(record.failures.isEmpty && record.file.entries.keys.sorted() == ["kept"])
    }

    @Test("differences: numbers within 1e-6 relative + 1e-9 absolute match; anything else is listed by path")
    func differences() {
        #expect(GoldenDiff.differences(["a": 1.0, "b": [0.0, 2]], ["a": .double(1 + 5e-7), "b": [.double(5e-10), .int(2)]]).isEmpty)
        #expect(GoldenDiff.differences(["a": 1.0], ["a": .double(1 + 2e-6)]) == ["a: 1.0 → 1.000002"])
        #expect(GoldenDiff.differences(["s": "completed", "l": [1, 2]], ["s": "diverged", "l": [1]])
                == ["l: 2 elements → 1", "s: `completed` → `diverged`"])
        #expect(GoldenDiff.differences(["a": 1], ["b": 1]) == ["a: removed (was 1)", "b: added (1)"])
    }
}
