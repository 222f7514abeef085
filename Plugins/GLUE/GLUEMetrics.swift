import BermoRuntime
import Foundation

/// GLUE's metrics per task, as Hugging Face `evaluate`'s `glue` metric computes them (scikit-learn's
/// `matthews_corrcoef`, `accuracy_score`, `f1_score` with positive class 1; scipy's `pearsonr`, `spearmanr`),
/// on BermoRuntime's `Metrics`. Values are fractions (0.85, not 85).
///
/// Score conventions (the GLUE paper: "for tasks with multiple metrics, we use an unweighted average of the
/// metrics as the score for the task"): an eval set's `score` is the mean of its metrics (Hugging Face's
/// `combined_score`); a task's score is the mean over its eval sets (MNLI: of matched and mismatched).
///
/// Degenerate cases score 0 instead of NaN: MCC when either side is constant (scikit-learn's own rule),
/// F1 with no true positive (scikit-learn's zero_division result), Pearson/Spearman when either side is
/// constant (scipy returns NaN there; a constant regressor is treated as uncorrelated).
public enum GLUEMetrics {
    public static let scoreKey = "score"

    /// The task's metrics on one eval set, plus `score`.
    public static func compute(_ task: GLUETask, predictions: Predictions, examples: [Example]) -> [String: Double] {
        switch task.kind {
        case .classification:
            return compute(task.metrics, predicted: predictions.classes, labels: examples.map(\.label))
        case .regression:
            return compute(task.metrics, predicted: predictions.values.map(Double.init), targets: examples.map { Double($0.value) })
        }
    }

    /// Classification metrics of `predicted` against `labels`, plus `score`.
    public static func compute(_ metrics: [GLUEMetric], predicted: [Int], labels: [Int]) -> [String: Double] {
        // Programmer errors, unreachable from input: predictions are made for exactly these examples, and each
        // task's metrics are fixed by its catalogue entry.
        precondition(predicted.count == labels.count, "one prediction per label")
        var out: [String: Double] = [:]
        for m in metrics {
            switch m {
            case .accuracy: out[m.rawValue] = Metrics.accuracy(predicted, labels)
            case .f1: out[m.rawValue] = Metrics.f1(predicted, labels, positive: 1)
            case .matthewsCorrelation: out[m.rawValue] = Metrics.matthews(predicted, labels)
            case .pearson, .spearmanr:
                preconditionFailure("\(m.rawValue) is a regression metric; use compute(_:predicted:targets:)")
            }
        }
        out[scoreKey] = score(out, metrics: metrics)
        return out
    }

    /// Regression metrics of `predicted` against `targets`, plus `score`.
    public static func compute(_ metrics: [GLUEMetric], predicted: [Double], targets: [Double]) -> [String: Double] {
        // Programmer errors, unreachable from input (as above).
        precondition(predicted.count == targets.count, "one prediction per target")
        var out: [String: Double] = [:]
        for m in metrics {
            switch m {
            case .pearson: out[m.rawValue] = finite(Metrics.pearson(predicted, targets))
            case .spearmanr: out[m.rawValue] = finite(Metrics.spearman(predicted, targets))
            case .accuracy, .f1, .matthewsCorrelation:
                preconditionFailure("\(m.rawValue) is a classification metric; use compute(_:predicted:labels:)")
            }
        }
        out[scoreKey] = score(out, metrics: metrics)
        return out
    }

    /// The unweighted mean of `metrics` in `values`.
    public static func score(_ values: [String: Double], metrics: [GLUEMetric]) -> Double {
        guard !metrics.isEmpty else { return 0 }
        return metrics.map { values[$0.rawValue] ?? 0 }.reduce(0, +) / Double(metrics.count)
    }

    /// A task's score from its eval sets' scores (MNLI: mean of matched and mismatched).
    public static func taskScore(_ evalSetScores: [Double]) -> Double {
        evalSetScores.isEmpty ? 0 : evalSetScores.reduce(0, +) / Double(evalSetScores.count)
    }

    /// The metrics of the majority-class predictor on `examples` (the most frequent label, ties to the lower
    /// index), i.e. the level a collapsed classifier sits at; for regression, a constant predictor (all 0).
    public static func majorityBaseline(_ task: GLUETask, examples: [Example]) -> [String: Double] {
        switch task.kind {
        case .classification(let labels):
            var counts = [Int](repeating: 0, count: labels.count)
            for e in examples where counts.indices.contains(e.label) { counts[e.label] += 1 }
            let majority = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
            return compute(task.metrics, predicted: Array(repeating: majority, count: examples.count), labels: examples.map(\.label))
        case .regression:
            return compute(task.metrics, predicted: Array(repeating: 0, count: examples.count), targets: examples.map { Double($0.value) })
        }
    }

    /// True when the predictions are collapsed: every class the same (or a constant regressor), or a score no
    /// better than the majority-class predictor's on the same examples. Used with `collapse_patience`.
    public static func isCollapsed(_ task: GLUETask, predictions: Predictions, examples: [Example]) -> Bool {
        guard !examples.isEmpty else { return false }
        switch task.kind {
        case .classification:
            if predictions.isConstant { return true }
        case .regression:
            if let first = predictions.values.first, predictions.values.allSatisfy({ $0 == first }) { return true }
        }
        let s = compute(task, predictions: predictions, examples: examples)[scoreKey] ?? 0
        let base = majorityBaseline(task, examples: examples)[scoreKey] ?? 0
        return !(s > base + 1e-12)
    }

    private static func finite(_ x: Double) -> Double { x.isFinite ? x : 0 }
}
