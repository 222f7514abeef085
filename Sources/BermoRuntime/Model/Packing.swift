/// Batches for this model: `PackedBatch` checks every id, position and token type against the model's
/// embedding tables, and the refusal is turned into a message that says which table and what to do.
extension BertModel {
    /// The row counts of the word, position and token-type tables (their shapes were checked against
    /// config.json when the checkpoint was loaded).
    public var embeddingRows: PackedBatch.TableRows {
        PackedBatch.TableRows(words: config.vocabSize, positions: config.maxPositionEmbeddings, tokenTypes: config.typeVocabSize)
    }

    /// `sequences` packed into one batch. `numbers` are their 0-based indices in the caller's own list (e.g. the
    /// input lines), which messages count from 1; by default their positions in `sequences`.
    public func pack(_ sequences: [(inputIds: [Int32], tokenTypeIds: [Int32])], numbers: [Int]? = nil) throws -> PackedBatch {
        do {
            return try PackedBatch(sequences: sequences, heads: config.numAttentionHeads, rows: embeddingRows)
        } catch {
            func name(_ s: Int) -> String { "sequence \((numbers?[s] ?? s) + 1)" }
            switch error {
            case .lengthsDiffer(let s, let ids, let types):
                throw RuntimeError("\(name(s)) has \(ids) ids but \(types) token types; build its encoding with the "
                    + "tokenizer, which gives every token one token type")
            case .wordId(let s, let t, let id, let rows):
                throw RuntimeError("\(name(s)), token \(t + 1): word id \(id) is outside the word-embedding table "
                    + "(\(rows) rows, vocab_size in config.json); the tokenizer does not match this checkpoint, use the "
                    + "tokenizer files shipped with its model.safetensors")
            case .tokenType(let s, let t, let type, let rows):
                throw RuntimeError("\(name(s)), token \(t + 1): token type \(type) is outside the token-type table "
                    + "(\(rows) rows, type_vocab_size in config.json); this model reads at most \(rows) segment(s)")
            case .tooLong(let s, let length, let positions):
                throw RuntimeError("\(name(s)) has \(length) tokens, but the position-embedding table has \(positions) "
                    + "rows (max_position_embeddings in config.json), so position \(positions) and later do not exist; "
                    + "truncate to at most \(positions) tokens")
            }
        }
    }
}
