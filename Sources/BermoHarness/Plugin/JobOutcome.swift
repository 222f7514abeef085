import BermoRuntime
import Foundation

/// How a finished job ended, as job records, results and reports say it.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case completed
    /// Training blew up (non-finite loss, collapsed dev predictions): a result, reported and not retried.
    case diverged
    /// The task does not apply (a variant it cannot run, data that is absent): not a failure of the suite.
    case skipped
}

/// What one job produced. A `skipped` job is not a failure of the suite; a `diverged` one is a result
/// (training blew up at a step) and is reported, not retried.
public struct JobOutcome: Sendable {
    public enum Status: Sendable, Equatable {
        case completed
        case diverged(step: Int, reason: String)
        case skipped(reason: String)

        public var kind: JobStatus {
            switch self {
            case .completed: .completed
            case .diverged: .diverged
            case .skipped: .skipped
            }
        }
    }

    public var status: Status
    /// Metric name → value (finite), for the metrics the task declared.
    public var metrics: [String: Double]
    /// Curves for plots (learning curves, per-layer probing accuracy, …).
    public var series: [Series]
    /// The learned BERMo layer mix at the end of the job.
    public var mix: MixSnapshot?
    /// Anything else worth keeping in the job file (training log, reference levels, …): the plugin's own
    /// typed struct as `JSONValue(encoding:)` writes it, which its reports decode with `decoded(as:)`.
    public var details: JSONValue
    /// Per-example records, written as JSON Lines when the run asks for `--log-samples`.
    public var samples: [JSONValue]

    public init(status: Status = .completed, metrics: [String: Double] = [:], series: [Series] = [], mix: MixSnapshot? = nil,
                details: JSONValue = .null, samples: [JSONValue] = []) {
        self.status = status; self.metrics = metrics; self.series = series; self.mix = mix
        self.details = details; self.samples = samples
    }

    public static func completed(_ metrics: [String: Double], series: [Series] = [], mix: MixSnapshot? = nil,
                                 details: JSONValue = .null, samples: [JSONValue] = []) -> JobOutcome {
        JobOutcome(status: .completed, metrics: metrics, series: series, mix: mix, details: details, samples: samples)
    }

    public static func skipped(_ reason: String) -> JobOutcome { JobOutcome(status: .skipped(reason: reason)) }

    public static func diverged(step: Int, reason: String, metrics: [String: Double] = [:], series: [Series] = [],
                                details: JSONValue = .null) -> JobOutcome {
        JobOutcome(status: .diverged(step: step, reason: reason), metrics: metrics, series: series, details: details)
    }
}

/// One curve of a plot. Curves of the same `name` from every job of a task go into one chart, one line
/// per variant with a band over seeds.
public struct Series: Sendable, Equatable, Codable {
    public struct Point: Sendable, Equatable, Codable {
        public var x: Double, y: Double
        public init(x: Double, y: Double) { self.x = x; self.y = y }
    }

    public var name: String
    public var xLabel: String
    public var yLabel: String
    public var points: [Point]
    /// The line this curve belongs to; nil means the job's variant name.
    public var variant: String?

    public init(name: String, xLabel: String, yLabel: String, points: [Point], variant: String? = nil) {
        self.name = name; self.xLabel = xLabel; self.yLabel = yLabel; self.points = points; self.variant = variant
    }

    enum CodingKeys: String, CodingKey { case name, xLabel = "x_label", yLabel = "y_label", points, variant }
}

/// The BERMo mix after training: softmax-normalised layer weights and the scale gamma.
public struct MixSnapshot: Sendable, Equatable, Codable {
    public var weights: [Double]
    public var gamma: Double
    /// The hidden-state index each weight belongs to.
    public var layers: [Int]?

    public init(weights: [Double], gamma: Double, layers: [Int]? = nil) {
        self.weights = weights; self.gamma = gamma; self.layers = layers
    }

    /// From raw mix logits (as stored in the model): softmax, so the weights sum to one.
    public init(logits: [Float], gamma: Float, layers: [Int]?) {
        let m = logits.max() ?? 0
        let e = logits.map { Foundation.exp(Double($0 - m)) }
        let s = e.reduce(0, +)
        self.init(weights: e.map { $0 / s }, gamma: Double(gamma), layers: layers)
    }
}

