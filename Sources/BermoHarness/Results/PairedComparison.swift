/// One metric of one task, one variant against a reference, paired by seed: `results.json`'s
/// `comparisons` (schema documented in docs/statistics.md). Seeds share data order and initialisation
/// draws across variants, so the per-seed difference removes the part of the noise both variants share;
/// the interval is over those differences.
public struct PairedComparison: Codable, Sendable, Equatable {
    public struct Pair: Codable, Sendable, Equatable {
        public var seed: Int
        public var variant: Double
        public var reference: Double
        /// variant − reference.
        public var difference: Double
    }

    public var model: String
    public var task: String
    public var group: String?
    public var metric: String
    /// Whether a positive difference favours `variant`.
    public var higherIsBetter: Bool
    public var variant: String
    public var reference: String
    /// Seeds completed by both variants, in the order the variant's seeds come.
    public var pairs: [Pair]
    public var n: Int
    /// Mean of the differences; null only when no seed is paired (n = 0).
    public var meanDifference: Double?
    /// Sample standard deviation of the differences; null for n < 2.
    public var stdDifference: Double?
    /// 95% interval of the mean difference (`level`, `low`, `high`, `method`); null for n < 2 (no interval
    /// exists, and none is made up).
    public var interval: MeanInterval?
    public var excludesZero: Bool?
    /// Why something is missing or unusual (too few seeds, seeds without a partner, zero spread).
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case model, task, group, metric, higherIsBetter = "higher_is_better", variant, reference, pairs, n
        case meanDifference = "mean_difference", stdDifference = "std_difference", interval, excludesZero = "excludes_zero", note
    }

    /// Writes `null` for an absent mean, std, interval, verdict or note (rather than leaving the key out), so
    /// every entry has every documented key; `group` is left out when the task has none, as in `aggregates`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model); try c.encode(task, forKey: .task); try c.encodeIfPresent(group, forKey: .group)
        try c.encode(metric, forKey: .metric); try c.encode(higherIsBetter, forKey: .higherIsBetter)
        try c.encode(variant, forKey: .variant); try c.encode(reference, forKey: .reference)
        try c.encode(pairs, forKey: .pairs); try c.encode(n, forKey: .n)
        try c.encode(meanDifference, forKey: .meanDifference); try c.encode(stdDifference, forKey: .stdDifference)
        try c.encode(interval, forKey: .interval); try c.encode(excludesZero, forKey: .excludesZero); try c.encode(note, forKey: .note)
    }

    public static let level = 0.95

    /// Pairs `variant`'s and `reference`'s aggregates (per-seed values) of one (model, task, metric).
    /// Either may be nil (no completed job of that variant): then nothing is paired and the note says so.
    public init(variant v: Aggregate?, reference r: Aggregate?, pair: VariantPair) {
        let any = v ?? r
        model = any?.model ?? ""; task = any?.task ?? ""; group = v?.group ?? r?.group; metric = any?.metric ?? ""
        higherIsBetter = any?.higherIsBetter ?? true
        variant = pair.variant; reference = pair.against
        let referenceBySeed = Dictionary((r?.values ?? []).map { ($0.seed, $0.value) }, uniquingKeysWith: { a, _ in a })
        pairs = (v?.values ?? []).compactMap { s in
            referenceBySeed[s.seed].map { Pair(seed: s.seed, variant: s.value, reference: $0, difference: s.value - $0) }
        }
        n = pairs.count
        let differences = pairs.map(\.difference)
        let (mean, std) = SampleMoments.of(differences)
        meanDifference = n > 0 ? mean : nil
        stdDifference = std
        let interval = MeanInterval.forMean(of: differences, level: Self.level)
        self.interval = interval
        excludesZero = interval?.excludesZero
        note = Self.note(n: n, std: std, variant: v, reference: r, pair: pair)
    }

    static func note(n: Int, std: Double?, variant v: Aggregate?, reference r: Aggregate?, pair: VariantPair) -> String? {
        var notes: [String] = []
        if n == 0 {
            notes.append(v == nil || r == nil
                ? "no completed job of `\(v == nil ? pair.variant : pair.against)`: nothing to pair"
                : "no seed completed in both `\(pair.variant)` and `\(pair.against)`")
        } else if n == 1 {
            notes.append("not enough seeds: 1 paired seed, an interval needs at least 2")
        } else if std == 0 {
            notes.append("every paired difference is the same: the interval has zero width")
        }
        let paired = Set((v?.values ?? []).map(\.seed)).intersection((r?.values ?? []).map(\.seed))
        for (name, aggregate) in [(pair.variant, v), (pair.against, r)] {
            let alone = (aggregate?.values ?? []).map(\.seed).filter { !paired.contains($0) }
            if !alone.isEmpty, n > 0 || (v != nil && r != nil) {
                notes.append("seed\(alone.count == 1 ? "" : "s") \(alone.map(String.init).joined(separator: ", ")) completed only in `\(name)`: left out")
            }
        }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    /// Every declared pair's comparisons, per (model, task) in the order the aggregates come (plan order), then
    /// per pair, then per metric. Metrics are those both variants report (a metric one head alone reports,
    /// such as a probe's best single layer, has nothing to pair); when one variant completed nothing on a
    /// task, the other's metrics are listed with n = 0.
    public static func compute(_ aggregates: [Aggregate], pairs: [VariantPair]) -> [PairedComparison] {
        struct TaskKey: Hashable { var model: String, task: String }
        var tasks: [TaskKey] = []
        for a in aggregates where !tasks.contains(TaskKey(model: a.model, task: a.task)) { tasks.append(TaskKey(model: a.model, task: a.task)) }
        var out: [PairedComparison] = []
        for key in tasks {
            let here = aggregates.filter { $0.model == key.model && $0.task == key.task }
            for pair in pairs {
                let v = here.filter { $0.variant == pair.variant }, r = here.filter { $0.variant == pair.against }
                if v.isEmpty && r.isEmpty { continue }
                let metrics = v.isEmpty ? r.map(\.metric) : r.isEmpty ? v.map(\.metric) : v.map(\.metric).filter { m in r.contains { $0.metric == m } }
                for m in metrics {
                    out.append(PairedComparison(variant: v.first { $0.metric == m }, reference: r.first { $0.metric == m }, pair: pair))
                }
            }
        }
        return out
    }
}
