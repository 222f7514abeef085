import COpenBLAS

/// Row-major single-precision matrix products over OpenBLAS, split by rows across `Compute` workers.
/// Every call site names the shapes it multiplies so the backward pass can be read against the forward.
public enum Gemm {
    /// `C[M,N] = alpha * A[M,K] · op(B) + beta * C`, where `op(B)` is `B[K,N]` or, with `transB`, `B[N,K]ᵀ`.
    /// Rows of A and C are split across workers; B is shared. `lda`, `ldb`, `ldc` default to dense rows.
    @inline(__always)
    public static func rowsParallel(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int? = nil,
        b: UnsafePointer<Float>, ldb: Int? = nil, transB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
        alpha: Float = 1, beta: Float = 0
    ) {
        let lda = lda ?? k, ldc = ldc ?? n
        let ldb = ldb ?? (transB ? k : n)
        // Each chunk gets at least 64 rows: below that the sgemm packing overhead dominates.
        Compute.parallelRanges(m, grain: 64) { rows in
            single(m: rows.count, n: n, k: k, a: a + rows.lowerBound * lda, lda: lda,
                   b: b, ldb: ldb, transA: false, transB: transB,
                   c: c + rows.lowerBound * ldc, ldc: ldc, alpha: alpha, beta: beta)
        }
    }

    /// One sgemm on the calling thread (OpenBLAS is pinned to one thread). `op(A)` is `A[M,K]` or,
    /// with `transA`, `A[K,M]ᵀ`.
    @inline(__always)
    public static func single(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        transA: Bool = false, transB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
