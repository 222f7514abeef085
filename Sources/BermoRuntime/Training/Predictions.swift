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

    /// True when every prediction is the same class: the "majority-class collapse" of a diverging run.
    public var isConstant: Bool { !classes.isEmpty && Set(classes).count == 1 }
}
