/// Activations of the task head for one batch: the sentence feature (last layer's [CLS], or the
/// BERMo mix of every layer's [CLS]), the pooler, dropout and the logits.
public final class HeadActivations {
    public private(set) var batchSize = 0
    /// [mixSize][B, H]: the [CLS] rows gathered from each mixed hidden state.
    public private(set) var mixInputs: [ParameterBuffer] = []
    public private(set) var mixStats = ParameterBuffer(count: 0)
    public private(set) var feature = ParameterBuffer(count: 0)
    public private(set) var pooled = ParameterBuffer(count: 0)
    public private(set) var dropMask = ParameterBuffer(count: 0)
    public private(set) var dropped = ParameterBuffer(count: 0)
    public private(set) var logits = ParameterBuffer(count: 0)
    public private(set) var training = false

    public init() {}

    func prepare(batchSize B: Int, hidden H: Int, classes C: Int, mixSize: Int, training: Bool) {
        self.training = training
        guard B != batchSize || mixInputs.count != mixSize || logits.count != B * C else { return }
        batchSize = B
        mixInputs = (0..<mixSize).map { _ in ParameterBuffer(count: B * H) }
        mixStats = ParameterBuffer(count: 2 * mixSize)
        feature = ParameterBuffer(count: B * H); pooled = ParameterBuffer(count: B * H)
        dropMask = ParameterBuffer(count: B * H); dropped = ParameterBuffer(count: B * H)
        logits = ParameterBuffer(count: B * C)
    }
}
