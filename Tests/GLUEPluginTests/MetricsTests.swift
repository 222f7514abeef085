import BermoTestSupport
import BermoRuntime
import Foundation
import GLUEPlugin
import Testing

@Suite("GLUE metrics")
struct MetricsTests {
    // Binary case: TP 3, FP 2, FN 1, TN 2.
    static let p = [1, 1, 0, 0, 1, 0, 1, 1], l = [1, 0, 0, 0, 1, 1, 1, 0]

    @Test("binary MCC, accuracy, F1 by hand and against scikit-learn")
    func binary() {
        let m = GLUEMetrics.compute([.matthewsCorrelation, .accuracy, .f1], predicted: Self.p, labels: Self.l)
        // By hand: MCC = (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = 4 / sqrt(240); F1 = 2·3 / (2·3 + 2 + 1).
        #expect(abs(m["matthews_correlation"]! - 4 / 240.0.squareRoot()) < 1e-12)
        #expect(m["accuracy"] == 5.0 / 8)
        #expect(abs(m["f1"]! - 6.0 / 9) < 1e-12)
        // scikit-learn 1.9.1 (matthews_corrcoef, f1_score), run once in a scratch venv; pasted as literals.
        #expect(abs(m["matthews_correlation"]! - 0.2581988897471611) < 1e-12)
        #expect(abs(m["f1"]! - 0.6666666666666666) < 1e-12)
        #expect(abs(m["score"]! - (m["matthews_correlation"]! + 5.0 / 8 + 6.0 / 9) / 3) < 1e-12)
    }

    @Test("multi-class MCC (scikit-learn's generalisation) against scikit-learn")
    func multiClass() {
        let m = GLUEMetrics.compute([.matthewsCorrelation, .accuracy], predicted: [0, 1, 2, 2, 1, 0, 2, 1, 0],
                                    labels: [0, 2, 2, 1, 1, 0, 2, 0, 1])
        // scikit-learn 1.9.1: matthews_corrcoef = 0.3333333333333333, accuracy_score = 0.5555555555555556.
        #expect(abs(m["matthews_correlation"]! - 0.3333333333333333) < 1e-12)
        #expect(abs(m["accuracy"]! - 5.0 / 9) < 1e-12)
    }

    @Test("Pearson and Spearman (ties averaged) against scipy")
    func regression() {
        let x = [0.5, 1.2, 3.3, 2.0, 4.8, 4.8, 1.0], y = [1.0, 1.0, 2.5, 3.0, 4.0, 5.0, 0.2]
        let m = GLUEMetrics.compute([.pearson, .spearmanr], predicted: x, targets: y)
        // scipy 1.17.1: pearsonr = 0.9175025960289858, spearmanr = 0.8909090909090909.
        #expect(abs(m["pearson"]! - 0.9175025960289858) < 1e-12)
        #expect(abs(m["spearmanr"]! - 0.8909090909090909) < 1e-12)
        #expect(abs(m["score"]! - (0.9175025960289858 + 0.8909090909090909) / 2) < 1e-12)
        // By hand: a perfect monotone but non-linear relation has Spearman 1 and Pearson < 1.
        let mono = GLUEMetrics.compute([.pearson, .spearmanr], predicted: [1, 2, 3, 4], targets: [1, 4, 9, 16])
        #expect(mono["spearmanr"] == 1 && mono["pearson"]! < 1 && mono["pearson"]! > 0.98)
    }

    @Test("degenerate cases are 0, not NaN")
    func degenerate() {
        // A constant predictor: MCC 0 (scikit-learn: 0.0), F1 0 when it never predicts the positive class.
        let c = GLUEMetrics.compute([.matthewsCorrelation, .accuracy, .f1], predicted: [0, 0, 0, 0], labels: [0, 0, 1, 1])
        #expect(c["matthews_correlation"] == 0 && c["f1"] == 0 && c["accuracy"] == 0.5 && c["score"] == 0.5 / 3)
        // Constant regression predictions: Pearson and Spearman 0 (scipy gives NaN).
        let r = GLUEMetrics.compute([.pearson, .spearmanr], predicted: [2.5, 2.5, 2.5], targets: [1, 2, 3])
        #expect(r["pearson"] == 0 && r["spearmanr"] == 0 && r["score"] == 0)
        let n = GLUEMetrics.compute([.pearson, .spearmanr], predicted: [.nan, 1, 2], targets: [1, 2, 3])
        #expect(n["pearson"]!.isFinite && n["score"]!.isFinite)
        #expect(GLUEMetrics.compute([.accuracy], predicted: [], labels: [])["accuracy"] == 0)
    }

    @Test("per-task metrics from predictions, majority baseline and collapse")
    func taskLevel() {
        let mrpc = GLUETaskID.mrpc.task
        let examples = [1, 1, 1, 0].map { Example(text: "x", pair: "y", label: $0) }
        let good = Predictions(classes: [1, 1, 0, 0], values: [], logits: [])
        let m = GLUEMetrics.compute(mrpc, predictions: good, examples: examples)
        #expect(m.keys.sorted() == ["accuracy", "f1", "score"])
        #expect(m["accuracy"] == 0.75 && abs(m["f1"]! - 0.8) < 1e-12 && abs(m["score"]! - 0.775) < 1e-12)
        // Majority class is 1: accuracy 0.75, F1 = 2·3/(2·3+1) = 6/7.
        let base = GLUEMetrics.majorityBaseline(mrpc, examples: examples)
        #expect(base["accuracy"] == 0.75 && abs(base["f1"]! - 6.0 / 7) < 1e-12)
        #expect(GLUEMetrics.isCollapsed(mrpc, predictions: Predictions(classes: [1, 1, 1, 1], values: [], logits: []), examples: examples))
        #expect(GLUEMetrics.isCollapsed(mrpc, predictions: good, examples: examples), "0.775 < majority's 0.804")
        #expect(!GLUEMetrics.isCollapsed(mrpc, predictions: Predictions(classes: [1, 1, 1, 0], values: [], logits: []), examples: examples))
        let stsb = GLUETaskID.stsb.task
        let pairs = [1.0, 2.0, 3.0].map { Example(text: "a", pair: "b", value: Float($0)) }
        #expect(GLUEMetrics.isCollapsed(stsb, predictions: Predictions(classes: [], values: [2, 2, 2], logits: [2, 2, 2]), examples: pairs))
        #expect(!GLUEMetrics.isCollapsed(stsb, predictions: Predictions(classes: [], values: [1, 2, 4], logits: [1, 2, 4]), examples: pairs))
        #expect(GLUEMetrics.taskScore([0.8, 0.7]) == 0.75)
    }
}
