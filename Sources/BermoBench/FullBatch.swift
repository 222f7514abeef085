import BermoRuntime

/// The "full padding" batch: every sequence exactly T tokens, the case where PyTorch's padded batches
/// waste nothing, so the comparison measures the kernels alone. Each sequence is consecutive SST-2
/// sentences joined and cut at T tokens.
public enum FullBatch {
    /// Sentences joined into one sequence: plenty for 128 tokens, and the texts the published numbers used.
    static let sentencesPerSequence = 40

    /// `shape.sequences` sequences of exactly `shape.tokens` tokens from `sentences` (SST-2's train split).
    public static func make(_ shape: BatchShape, from sentences: [String], tokenizer: Tokenizer, model: BertModel) throws -> PackedBatch {
        let each = sentencesPerSequence
        guard sentences.count >= shape.sequences * each else {
            throw RuntimeError("a \(shape) batch needs \(shape.sequences * each) sentences; SST-2's train split has \(sentences.count)")
        }
        let encodings = (0..<shape.sequences).map { i in
            tokenizer.encode(sentences[(i * each)..<((i + 1) * each)].joined(separator: " "), maxLength: shape.tokens)
        }
        guard encodings.allSatisfy({ $0.inputIds.count == shape.tokens }) else {
            throw RuntimeError("bench: a \(shape) sequence is shorter than \(shape.tokens) tokens (\(each) sentences do not fill it)")
        }
        return try model.pack(encodings.map { ($0.inputIds, $0.tokenTypeIds) })
    }
}
