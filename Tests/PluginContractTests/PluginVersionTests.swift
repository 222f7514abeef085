import BermoHarness
import BermoPlugins
import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// Every registered plugin has a golden suite (`Tests/Fixtures/golden/<plugin-id>.yaml`): a tiny run on
/// the real minilm-l6 checkpoint and real data, through the built CLI with pinned kernels. Its outputs
/// are recorded in `plugin-outputs.json` with the plugin's `version` and `Numerics.version`; outputs that
/// change while both stay the same fail, so a change to what a plugin computes cannot ship without the
/// version bump that keeps old job files from being reused. Re-record with
/// `BERMO_RECORD_GOLDEN=1 swift test --filter PluginVersionTests` (refused for unbumped changes).
@Suite struct PluginVersionTests {
    static let directory = PackageRoot.url.appendingPathComponent("Tests/Fixtures/golden")
    static let fixture = directory.appendingPathComponent("plugin-outputs.json")

    static let subjects = GoldenSubjects(
        fixture: "Tests/Fixtures/golden/plugin-outputs.json", kind: "plugin",
        recordCommand: "BERMO_RECORD_GOLDEN=1 swift test --filter PluginVersionTests",
        bumpAdvice: { id in "bump the `version` of plugin `\(id)` (or `Numerics.version` if the change is in the runtime)" })

    /// A golden suite and the `bermo run` arguments its second comment line gives (`# bermo run arguments: --limit 16`).
    struct GoldenSuite: Sendable {
        let pluginID: String
        let file: URL
        let arguments: [String]

        init(pluginID: String) throws {
            self.pluginID = pluginID
            file = PluginVersionTests.directory.appendingPathComponent("\(pluginID).yaml")
            let marker = "# bermo run arguments:"
            let text = try String(contentsOf: file, encoding: .utf8)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(marker) }) else {
                throw GoldenRunFailure(description: "\(file.path): add a line `\(marker) --limit N` (the quick-run size)")
            }
            arguments = line.dropFirst(marker.count).split(separator: " ").map(String.init)
        }

        /// Runs the suite and returns its outputs, stamped with the versions that computed them.
        func run(version: Int) throws -> GoldenEntry {
            let cli = try PinnedCLI("golden-\(pluginID)")
            defer { cli.cleanup() }
            let output = cli.directory.file("out")
            _ = try cli.run(["run", file.path, "--output-dir", output.path, "--threads", "1"] + arguments)
            let records = try FinishedRun(directory: output).records
            // A golden job that did not complete (data absent, a skipped variant) records nothing worth keeping.
            for r in records where r.plugin.id != pluginID || r.status != .completed {
                throw GoldenRunFailure(description: "\(file.lastPathComponent): job \(r.task) · \(r.variantName) of plugin "
                    + "\(r.plugin.id) ended \(r.status.rawValue) (\(r.reason ?? "")); a golden suite runs only completed jobs of its plugin")
            }
            guard !records.isEmpty else { throw GoldenRunFailure(description: "\(file.lastPathComponent) ran no job") }
            return GoldenEntry(versions: ["version": version, "numerics": Numerics.version],
                               outputs: try GoldenOutputs.jobs(inRun: output))
        }
    }

    @Test("every registered plugin's golden outputs are the recorded ones, unless its version was bumped")
    func goldenOutputs() throws {
        let registry = Plugins.registry()
        var suites: [(GoldenSuite, version: Int)] = []
        for plugin in registry.plugins {
            guard FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent("\(plugin.id).yaml").path) else {
                let advice = "add Tests/Fixtures/golden/\(plugin.id).yaml (a tiny run on minilm-l6, like the others there) "
                    + "and record it: `\(Self.subjects.recordCommand)`"
                Issue.record("plugin `\(plugin.id)` has no golden suite: \(advice)")
                continue
            }
            suites.append((try GoldenSuite(pluginID: plugin.id), plugin.version))
        }
        try #require(!suites.isEmpty, "no plugin is registered")
        let started = Date()
        let runs = inParallel(suites) { item in Result { try item.0.run(version: item.version) } }
        print("golden runs of \(suites.count) plugin(s): \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        var current: [String: GoldenEntry] = [:]
        for ((suite, _), run) in zip(suites, runs) { current[suite.pluginID] = try run.get() }

        let recording = GoldenCheck.recordingRequested
        let outcome = GoldenCheck.reconcile(recorded: try GoldenFile.read(Self.fixture), current: current,
                                            subjects: Self.subjects, recording: recording)
        if recording { try outcome.file.write(to: Self.fixture) }
        #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n"))")
    }
}
