import Foundation

/// Model outputs over an evaluation set, in the set's order.
public struct Predictions: Sendable {
    /// Argmax class per example (classification), or empty.
    public var classes: [Int]
    /// Predicted value per example (regression), or empty.
    public var values: [Float]
    /// Raw logits, `[examples, numLabels]` row-major.
    public var logits: [Float]

    public init(classes: [Int], values: [Float], logits: [Float]) {
        self.classes = classes; self.values = values; self.logits = logits
    }

    /// The metrics `finetune` reports: accuracy for classification, Pearson and Spearman for regression.
    public func defaultMetrics(_ examples: [Example], kind: TaskKind) -> [String: Double] {
        switch kind {
        case .classification:
            return ["accuracy": Metrics.accuracy(classes, examples.map(\.label))]
        case .regression:
            let y = examples.map { Double($0.value) }, p = values.map(Double.init)
            return ["pearson": Metrics.pearson(p, y), "spearman": Metrics.spearman(p, y)]
        }
    }

    /// The mean loss per example, as the training objective counts it (transformers' `eval_loss`): cross-entropy of
    /// the logits against the labels, or the squared error for regression. Summed in double precision.
    public func meanLoss(_ examples: [Example], kind: TaskKind) -> Double? {
        guard !examples.isEmpty else { return nil }
        let width = max(logits.count / examples.count, 1)
        var total = 0.0
        for (i, example) in examples.enumerated() {
            let row = logits[(i * width)..<((i + 1) * width)].map(Double.init)
            switch kind {
            case .classification:
                guard (0..<width).contains(example.label) else { return nil }
                let top = row.max() ?? 0
                total += top + log(row.reduce(0) { $0 + exp($1 - top) }) - row[row.startIndex + example.label]
            case .regression:
                total += (row[row.startIndex] - Double(example.value)) * (row[row.startIndex] - Double(example.value))
            }
        }
        return total / Double(examples.count)
    }

    /// True when every prediction is the same class: the "majority-class collapse" of a diverging run.
    public var isConstant: Bool { !classes.isEmpty && Set(classes).count == 1 }
}
