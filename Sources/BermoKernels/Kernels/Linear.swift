/// Fully connected layer in Hugging Face's layout: weight `[out, in]`, `y[M,out] = x[M,in] · Wᵀ + b`.
public enum Linear {
    public static func forward(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int, inDim: Int, outDim: Int
    ) {
        Compute.parallelRanges(rows, grain: 64) { r in
            let y = out + r.lowerBound * outDim
            if let bias {
                for row in 0..<r.count { (y + row * outDim).update(from: bias, count: outDim) }
            }
            Gemm.single(m: r.count, n: outDim, k: inDim, a: inp + r.lowerBound * inDim, lda: inDim,
                        b: weight, ldb: inDim, transB: true, c: y, ldc: outDim, beta: bias == nil ? 0 : 1)
        }
    }

    /// Accumulates `dinp += dout · W`, `dweight += doutᵀ · inp`, `dbias += Σ_rows dout`.
    /// Any of the three outputs may be nil (frozen weights, or an input that needs no gradient).
    public static func backward(
        dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        rows: Int, inDim: Int, outDim: Int
    ) {
        if let dinp {
            Gemm.rowsParallel(m: rows, n: inDim, k: outDim, a: dout, b: weight, transB: false, c: dinp, beta: 1)
        }
        if let dweight {
            // Split the output features (rows of dW) across workers: each reduces over all tokens.
            Compute.parallelRanges(outDim, grain: 16) { r in
                Gemm.single(m: r.count, n: inDim, k: rows, a: dout + r.lowerBound, lda: outDim,
                            b: inp, ldb: inDim, transA: true, transB: false,
                            c: dweight + r.lowerBound * inDim, ldc: inDim, beta: 1)
            }
        }
        if let dbias {
            Compute.parallelRanges(outDim, grain: 64) { r in
                for row in 0..<rows {
                    let d = dout + row * outDim
                    for j in r { dbias[j] += d[j] }
                }
            }
        }
    }
}

/// A projection `y[rows, outDim] = x[rows, inDim] · Wᵀ + b` computed by something other than the dense
/// sgemm, e.g. a sparse kernel for a pruned matrix. It holds its own copy of W (in whatever format it
/// likes), so it is a snapshot: weights changed after it was built are not seen.
public protocol LinearKernel: AnyObject, Sendable {
    var inDim: Int { get }
    var outDim: Int { get }
    /// Writes `out[rows, outDim]` (overwriting it) from `inp[rows, inDim]`, adding `bias` when given.
    func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int)
}
