/// A batch of sequences stored back to back with no padding: token `t` of sequence `s` is row
/// `offsets[s] + t` of every `[tokens, ·]` activation. Linear layers see one tall matrix; only
/// attention needs the boundaries. Building batches this way (rather than padding to the longest)
/// is what lets short sentences cost only their own tokens.
///
/// The embedding kernels index their tables with the batch's ids, positions and token types without
/// checking them (they are unchecked raw-pointer loops), so the one initialiser checks every value against
/// the tables' row counts: no tokenizer, file or caller can make a lookup read outside a table.
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

    /// The row counts of the three embedding tables a batch indexes.
    public struct TableRows: Sendable, Equatable {
        public var words: Int, positions: Int, tokenTypes: Int
        public init(words: Int, positions: Int, tokenTypes: Int) {
            self.words = words; self.positions = positions; self.tokenTypes = tokenTypes
        }
    }

    /// Why a sequence cannot be packed; `sequence` and `token` are 0-based indices into the arguments.
    public enum Invalid: Error, Sendable, Equatable {
        case lengthsDiffer(sequence: Int, ids: Int, tokenTypes: Int)
        case wordId(sequence: Int, token: Int, id: Int32, rows: Int)
        case tokenType(sequence: Int, token: Int, type: Int32, rows: Int)
        case tooLong(sequence: Int, length: Int, positions: Int)
    }

    public init(sequences: [(inputIds: [Int32], tokenTypeIds: [Int32])], heads: Int, rows: TableRows) throws(Invalid) {
        var ids: [Int32] = [], types: [Int32] = [], pos: [Int32] = []
        var lengths: [Int] = [], offsets: [Int] = [], attOffsets: [Int] = []
        var offset = 0, att = 0
        for (s, seq) in sequences.enumerated() {
            let T = seq.inputIds.count
            guard seq.tokenTypeIds.count == T else { throw .lengthsDiffer(sequence: s, ids: T, tokenTypes: seq.tokenTypeIds.count) }
            guard T <= rows.positions else { throw .tooLong(sequence: s, length: T, positions: rows.positions) }
            for (t, id) in seq.inputIds.enumerated() where id < 0 || Int(id) >= rows.words {
                throw .wordId(sequence: s, token: t, id: id, rows: rows.words)
            }
            for (t, type) in seq.tokenTypeIds.enumerated() where type < 0 || Int(type) >= rows.tokenTypes {
                throw .tokenType(sequence: s, token: t, type: type, rows: rows.tokenTypes)
            }
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
