/// A batch of sequences stored back to back with no padding: token `t` of sequence `s` is row
/// `offsets[s] + t` of every `[tokens, ·]` activation. Linear layers see one tall matrix; only
/// attention needs the boundaries. Building batches this way (rather than padding to the longest)
/// is what lets short sentences cost only their own tokens.
public struct PackedBatch: Sendable {
    public let inputIds: [Int32]
    public let tokenTypeIds: [Int32]
    /// Position of each token inside its own sequence (0-based).
    public let positions: [Int32]
    public let lengths: [Int]
    public let offsets: [Int]
    /// Start of each sequence's `heads × T × T` block in the attention-probability buffer, per head 1.
    public let attentionOffsets: [Int]
    public var count: Int { lengths.count }
    public var tokenCount: Int { inputIds.count }
    /// Σ T² over sequences, times heads, is the size of one layer's attention probabilities.
    public let attentionSizePerHead: Int

    public init(sequences: [(inputIds: [Int32], tokenTypeIds: [Int32])], heads: Int) {
        var ids: [Int32] = [], types: [Int32] = [], pos: [Int32] = []
        var lengths: [Int] = [], offsets: [Int] = [], attOffsets: [Int] = []
        var offset = 0, att = 0
        for seq in sequences {
            precondition(seq.inputIds.count == seq.tokenTypeIds.count, "ids and token types differ in length")
            let T = seq.inputIds.count
            ids += seq.inputIds; types += seq.tokenTypeIds
            pos += (0..<T).map { Int32($0) }
            lengths.append(T); offsets.append(offset); attOffsets.append(att)
            offset += T; att += heads * T * T
        }
        inputIds = ids; tokenTypeIds = types; positions = pos
        self.lengths = lengths; self.offsets = offsets; attentionOffsets = attOffsets
        attentionSizePerHead = att / max(heads, 1)
    }

    /// Total attention-probability floats for one layer.
    public func attentionSize(heads: Int) -> Int { attentionSizePerHead * heads }
}
