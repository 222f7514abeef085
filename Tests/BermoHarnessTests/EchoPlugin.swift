import BermoHarness
import BermoRuntime
import Foundation

/// Counts plugin invocations across jobs, so tests can tell which jobs actually ran.
final class InvocationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var _jobs: [String] = []
    var count: Int { lock.withLock { _jobs.count } }
    var jobs: [String] { lock.withLock { _jobs } }
    /// Records a run of `id` and returns how many runs there have been, this one included.
    func record(_ id: String) -> Int { lock.withLock { _jobs.append(id); return _jobs.count } }
}

/// A test-only plugin whose metrics are a deterministic function of its parameters, the seed and the
/// variant, so runner behaviour (ids, resume, shards, aggregates) can be checked exactly.
///
/// accuracy = value × scale + 0.01 × seed (+ 0.05 for bermo heads); loss = 1 − accuracy.
/// Behaviour that must not change job ids (crashing on the k-th call) is plugin state, not a parameter.
struct EchoPlugin: TaskPlugin {
    struct Config: Settings {
        @Setting("value", .in(-100...100), help: "Base accuracy.") var value = 0.5
        @Setting("scale", .in(0...10), help: "Multiplies value.") var scale = 1.0
        @Setting("diverge_seed", .in(0...1_000_000), help: "This seed's job diverges.") var divergeSeed: Int? = nil
        @Setting("skip_variant", help: "This variant's jobs are skipped.") var skipVariant: String? = nil
        @Setting("data", help: "Data files (relative to the data directory).") var data: [String] = []
        @Setting("curve", help: "Report a learning curve.") var curve = true
        @Setting("sleep", .in(0...5), help: "Seconds to sleep per job.") var sleep = 0.0
        init() {}
    }

    let id = "echo.task"
    var version = 1
    let summary = "Test plugin: metrics computed from the seed and parameters"
    var counter = InvocationCounter()
    /// Throw on this invocation (1-based), simulating a process killed in the middle of a suite.
    var failOnCall: Int?
    /// Throw on every invocation (a job that always fails).
    var alwaysFail = false
    /// Stop on this invocation as a SIGTERM would (`Interrupted`), without touching the process-wide flag.
    var interruptOnCall: Int?

    func prepare(_ config: Config, context: PrepareContext) throws -> any PreparedTask {
        EchoTask(plugin: self, config: config, dataFiles: config.data.map { context.dataFile($0, fetch: "bermo data fetch echo") })
    }
}

struct EchoTask: PreparedTask {
    let plugin: EchoPlugin
    let config: EchoPlugin.Config
    let dataFiles: [DataFile]
    var settings: any Settings { config }
    var value: Double { config.value }
    var scale: Double { config.scale }
    var divergeSeed: Int? { config.divergeSeed }
    var skipVariant: String? { config.skipVariant }
    var curve: Bool { config.curve }
    var sleep: Double { config.sleep }

    var metrics: [MetricDeclaration] { [MetricDeclaration("accuracy"), MetricDeclaration("loss", higherIsBetter: false)] }

    struct Crash: Error, CustomStringConvertible { let call: Int; var description: String { "simulated crash on call \(call)" } }

    func run(_ job: JobContext) throws -> JobOutcome {
        let call = plugin.counter.record(job.id)
        if call == plugin.failOnCall || plugin.alwaysFail { throw Crash(call: call) }
        if call == plugin.interruptOnCall { throw Interrupted(signal: SIGTERM, at: "echo call \(call)") }
        if sleep > 0 { Thread.sleep(forTimeInterval: sleep) }
        job.progress(0.5, "halfway")
        if job.variant.name == skipVariant { return .skipped("echo does not apply to \(job.variant.name)") }
        if job.seed == divergeSeed { return .diverged(step: 7, reason: "loss is NaN") }
        let accuracy = value * scale + 0.01 * Double(job.seed) + (job.variant.head == .bermo ? 0.05 : 0)
        let series = curve ? [Series(name: "learning curve", xLabel: "step", yLabel: "accuracy",
                                     points: (0..<5).map { Series.Point(x: Double($0 * 10), y: accuracy * Double($0 + 1) / 5) })] : []
        let mix = job.variant.mix.map { _ in MixSnapshot(logits: [0, 1], gamma: 1.5, layers: [5, 6]) }
        let samples: [JSONValue] = job.logSamples ? (0..<3).map { ["index": .int($0), "prediction": .int($0 % 2)] } : []
        return .completed(["accuracy": accuracy, "loss": 1 - accuracy], series: series, mix: mix,
                          details: ["limit": job.limit.map { .int($0) } ?? .null], samples: samples)
    }
}

/// Helpers shared by the harness tests.
enum TestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/suites")

    static func suite(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static func registry(_ plugin: EchoPlugin = EchoPlugin()) -> PluginRegistry {
        let registry = PluginRegistry()
        registry.register("echo.task") { plugin }
        return registry
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bermo-harness-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func options(output: URL, data: URL? = nil) -> RunOptions {
        var options = RunOptions(dataDirectory: data ?? output.appendingPathComponent("data"),
                                 cacheDirectory: output.appendingPathComponent("cache"))
        options.outputDirectory = output.appendingPathComponent("out", isDirectory: true)
        options.threads = 1
        return options
    }

    static func run(_ suite: String, plugin: EchoPlugin = EchoPlugin(), options: RunOptions) throws -> RunSummary {
        try SuiteRunner(registry: registry(plugin), options: options, console: RecordingConsole()).run(suitePath: TestSupport.suite(suite))
    }

    /// Writes a suite file into `directory` and returns its path.
    static func write(_ yaml: String, to directory: URL, name: String = "suite.yaml") throws -> String {
        let url = directory.appendingPathComponent(name)
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
