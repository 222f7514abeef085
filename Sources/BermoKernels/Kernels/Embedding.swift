/// BERT's input embedding sum: `word[id] + position[pos] + tokenType[type]` for each token
/// (the LayerNorm that follows is its own op).
public enum Embedding {
    public static func forward(
        out: UnsafeMutablePointer<Float>, batch: PackedBatch,
        word: UnsafePointer<Float>, position: UnsafePointer<Float>, tokenType: UnsafePointer<Float>, dim: Int
    ) {
        batch.inputIds.withUnsafeBufferPointer { ids in
        batch.positions.withUnsafeBufferPointer { pos in
        batch.tokenTypeIds.withUnsafeBufferPointer { types in
            Compute.parallelRanges(batch.tokenCount, grain: 64) { r in
                for t in r {
                    let y = out + t * dim
                    let w = word + Int(ids[t]) * dim, p = position + Int(pos[t]) * dim
                    let tt = tokenType + Int(types[t]) * dim
                    for i in 0..<dim { y[i] = w[i] + p[i] + tt[i] }
                }
            }
        }}}
    }

    /// Scatter-adds `dout` into the three tables. Workers split the *columns*, so two tokens with the
    /// same id never race and the sum order is fixed (deterministic gradients).
    /// A nil table is frozen and skipped.
    public static func backward(
        dword: UnsafeMutablePointer<Float>?, dposition: UnsafeMutablePointer<Float>?,
        dtokenType: UnsafeMutablePointer<Float>?, dout: UnsafePointer<Float>, batch: PackedBatch, dim: Int
    ) {
        batch.inputIds.withUnsafeBufferPointer { ids in
        batch.positions.withUnsafeBufferPointer { pos in
        batch.tokenTypeIds.withUnsafeBufferPointer { types in
            Compute.parallelRanges(dim, grain: 16) { cols in
                for t in 0..<batch.tokenCount {
                    let g = dout + t * dim
                    if let dword { let d = dword + Int(ids[t]) * dim; for i in cols { d[i] += g[i] } }
                    if let dposition { let d = dposition + Int(pos[t]) * dim; for i in cols { d[i] += g[i] } }
                    if let dtokenType { let d = dtokenType + Int(types[t]) * dim; for i in cols { d[i] += g[i] } }
                }
            }
        }}}
    }
}
