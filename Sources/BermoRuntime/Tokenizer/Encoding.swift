/// The model inputs for one text (or text pair), special tokens included as the tokenizer's post-processor adds
/// them (BERT: `[CLS] a [SEP]` or `[CLS] a [SEP] b [SEP]`, token types 0 for the first segment with `[CLS]` and its
/// `[SEP]`, 1 for the second), and an attention mask of ones. Int32 because that is what the embedding lookup
/// indexes with and what Hugging Face exports.
public struct Encoding: Equatable, Sendable {
    public var inputIds: [Int32]
    public var tokenTypeIds: [Int32]
    public var attentionMask: [Int32]

    public init(inputIds: [Int32], tokenTypeIds: [Int32], attentionMask: [Int32]) {
        self.inputIds = inputIds
        self.tokenTypeIds = tokenTypeIds
        self.attentionMask = attentionMask
    }

    public var count: Int { inputIds.count }

    /// A batch of encodings padded on the right to one length, stored row-major (`batchSize × sequenceLength`)
    /// because the runtime feeds whole batches to matrix kernels.
    public struct Batch: Equatable, Sendable {
        public var batchSize: Int
        public var sequenceLength: Int
        public var inputIds: [Int32]
        public var tokenTypeIds: [Int32]
        /// 1 on real tokens, 0 on padding, so attention ignores the pads.
        public var attentionMask: [Int32]
    }

    /// Pads `encodings` with `padId` (token type 0, attention 0) to the longest of them, or to `length` when that is
    /// longer — handy for fixed-shape batches. It never truncates: cut sequences with `encode(maxLength:)`.
    public static func padded(_ encodings: [Encoding], to length: Int? = nil, padId: Int32) -> Batch {
        let longest = encodings.map(\.count).max() ?? 0
        let width = max(longest, length ?? 0)
        var batch = Batch(
            batchSize: encodings.count, sequenceLength: width,
            inputIds: [], tokenTypeIds: [], attentionMask: [])
        batch.inputIds.reserveCapacity(encodings.count * width)
        batch.tokenTypeIds.reserveCapacity(encodings.count * width)
        batch.attentionMask.reserveCapacity(encodings.count * width)
        for encoding in encodings {
            let pads = width - encoding.count
            batch.inputIds += encoding.inputIds
            batch.inputIds += repeatElement(padId, count: pads)
            batch.tokenTypeIds += encoding.tokenTypeIds
            batch.tokenTypeIds += repeatElement(0, count: pads)
            batch.attentionMask += encoding.attentionMask
            batch.attentionMask += repeatElement(0, count: pads)
        }
        return batch
    }
}
