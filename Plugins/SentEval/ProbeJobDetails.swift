import BermoRuntime

/// The reference levels every probing result is reported beside (see ../shared/notes/probing-facts.md):
/// the majority-class accuracy and size of each split, the test ceiling (labels never seen in training
/// cannot be predicted) and the number of classes.
public struct ProbeReferences: Codable, Sendable, Equatable {
    /// Split name (`train`, `dev`, `test`) → accuracy of always predicting its most frequent label.
    public var majorityAccuracy: [String: Double]
    public var count: [String: Int]
    public var testCeiling: Double
    public var classes: Int

    public init(_ dataset: SentEvalDataset) {
        var majority: [String: Double] = [:], count: [String: Int] = [:]
        for s in SentEvalSplit.allCases {
            let st = dataset.statistics(s)
            majority[s.rawValue] = st.majorityAccuracy
            count[s.rawValue] = st.count
        }
        majorityAccuracy = majority; self.count = count
        testCeiling = dataset.statistics(.test).accuracyCeiling
        classes = dataset.classCount
    }
}

/// What a `senteval.probe` job keeps beside its metrics (its record's `details`).
public struct ProbeJobDetails: Codable, Sendable, Equatable {
    public struct LayerAccuracy: Codable, Sendable, Equatable {
        public var layer: Int
        public var devAccuracy: Double
        public var testAccuracy: Double
    }

    public var references: ProbeReferences
    /// Frozen protocol: the pooling, whether features were standardised and read from the feature cache.
    public var pooling: Pooling?
    public var standardized: Bool?
    public var featuresFromCache: Bool?
    /// `bert` variant: the hidden state with the best dev accuracy and the per-layer curve.
    public var bestLayer: Int?
    public var perLayer: [LayerAccuracy]?
    /// The full probing result (every fit, the chosen L2, split statistics).
    public var probe: ProbingResult?
    /// `bermo` variant: the hidden states the mix is over.
    public var mixLayers: [Int]?
    /// Fine-tuning protocol: steps run and training time.
    public var steps: Int?
    public var trainSeconds: Double?

    public init(references: ProbeReferences, pooling: Pooling? = nil, standardized: Bool? = nil, featuresFromCache: Bool? = nil) {
        self.references = references; self.pooling = pooling; self.standardized = standardized; self.featuresFromCache = featuresFromCache
    }
}
