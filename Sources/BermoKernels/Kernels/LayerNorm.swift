/// LayerNorm over the last dimension of `[rows, dim]`: `y = (x - mean) * rstd * gamma + beta`.
/// The forward keeps `mean` and `rstd` per row; the backward recomputes x̂ from the saved input,
/// which costs one pass but saves a `[rows, dim]` buffer per norm.
public enum LayerNorm {
    public static func forward(
        out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        inp: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        rows: Int, dim: Int, eps: Float
    ) {
        Compute.parallelRanges(rows, grain: 32) { r in
            for row in r {
                let x = inp + row * dim, y = out + row * dim
                let m = Reductions.sum(x, count: dim) / Float(dim)
                let v = Reductions.centeredSquares(x, count: dim, center: m)
                let rs = 1 / (v / Float(dim) + eps).squareRoot()
                for i in 0..<dim { y[i] = (x[i] - m) * rs * gamma[i] + beta[i] }
                mean[row] = m; rstd[row] = rs
            }
        }
    }

    /// Accumulates into `dinp` (`+=`, so residual gradients can be summed in place) and into
    /// `dgamma`/`dbeta` (`+=`). Parameter gradients are reduced per worker then summed, so the
    /// result does not depend on thread timing.
    public static func backward(
        dinp: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>, dbeta: UnsafeMutablePointer<Float>,
        dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, rows: Int, dim: Int
    ) {
        let workers = max(1, min(Compute.threads, rows / 32))
        let partial = UnsafeMutablePointer<Float>.allocate(capacity: workers * 2 * dim)
        partial.initialize(repeating: 0, count: workers * 2 * dim)
        defer { partial.deallocate() }
        Compute.parallel(workers) { w in
            let dg = partial + w * 2 * dim, db = dg + dim
            for row in (rows * w / workers)..<(rows * (w + 1) / workers) {
                let x = inp + row * dim, dy = dout + row * dim, dx = dinp + row * dim
                let m = mean[row], rs = rstd[row]
                var sumDg: Float = 0, sumDgXhat: Float = 0
                for i in 0..<dim {
                    let xhat = (x[i] - m) * rs
                    let g = dy[i] * gamma[i]
                    sumDg += g; sumDgXhat += g * xhat
                    dg[i] += dy[i] * xhat; db[i] += dy[i]
                }
                let a = sumDg / Float(dim), b = sumDgXhat / Float(dim)
                for i in 0..<dim {
                    let xhat = (x[i] - m) * rs
                    dx[i] += rs * (dy[i] * gamma[i] - a - xhat * b)
                }
            }
        }
        for w in 0..<workers {
            let dg = partial + w * 2 * dim, db = dg + dim
            for i in 0..<dim { dgamma[i] += dg[i]; dbeta[i] += db[i] }
        }
    }
}
