import BermoKernels

/// A pruned projection `y = x·Wᵀ + b` that skips the zeros: each row block of W (the fused QKV matrix has
/// three, one per projection; the others one) is stored as CSR when its density is at most `maxDensity`,
/// and kept dense (sgemm) otherwise, so the choice is made per matrix.
///
/// The sparse kernel works on tiles of 32 tokens: it transposes the tile of x to `xᵀ[in, 32]`, then for
/// every output row accumulates `w·xᵀ[col]` over the row's non-zeros in four 8-wide FMA registers (one
/// broadcast weight, one contiguous 128-byte load per non-zero), and transposes the result back.
///
/// Unchecked `Sendable`: its CSR and dense copies are written once in `init` and only read after (by `forward`'s workers too).
public final class SparseLinear: LinearKernel, @unchecked Sendable {
    public static let tile = 32

    public struct Block: Sendable, Equatable {
        public let rowStart: Int, rowCount: Int
        public let nonZeros: Int, entries: Int
        public let sparse: Bool
        public var density: Double { Double(nonZeros) / Double(max(entries, 1)) }
    }

    public let inDim: Int, outDim: Int
    public let blocks: [Block]
    /// Per sparse block: row pointers (rowCount + 1), byte offsets into `xᵀ` of each non-zero's column, values.
    private let rowPointers: [UnsafeMutablePointer<Int32>?]
    private let columnOffsets: [UnsafeMutablePointer<Int32>?]
    private let values: [UnsafeMutablePointer<Float>?]
    /// Per dense block: a copy of its rows.
    private let dense: [UnsafeMutablePointer<Float>?]

    /// - Parameters:
    ///   - weight: `[outDim, inDim]` row-major (copied; later changes are not seen).
    ///   - blockRows: rows per independently chosen block (`outDim` for one matrix, H for fused QKV).
    ///   - maxDensity: blocks at or below this fraction of non-zeros are stored sparse.
    public init(weight: UnsafePointer<Float>, outDim: Int, inDim: Int, blockRows: Int? = nil, maxDensity: Double) {
        // Unreachable from input: BertConfig's ranges keep inDim ≤ 262,144 (far below the Int32 offsets' bound),
        // and blockRows is chosen by the code (H or outDim).
        precondition(outDim > 0 && inDim > 0 && inDim * Self.tile * 4 < Int(Int32.max))
        self.inDim = inDim; self.outDim = outDim
        let br = blockRows ?? outDim
        precondition(br > 0 && outDim % br == 0, "blockRows must divide outDim")
        var blocks: [Block] = [], rp: [UnsafeMutablePointer<Int32>?] = [], co: [UnsafeMutablePointer<Int32>?] = []
        var vals: [UnsafeMutablePointer<Float>?] = [], dense: [UnsafeMutablePointer<Float>?] = []
        for start in stride(from: 0, to: outDim, by: br) {
            let w = weight + start * inDim
            var nz = 0
            for i in 0..<(br * inDim) where w[i] != 0 { nz += 1 }
            let sparse = Double(nz) <= maxDensity * Double(br * inDim)
            blocks.append(Block(rowStart: start, rowCount: br, nonZeros: nz, entries: br * inDim, sparse: sparse))
            if sparse {
                let ptr = UnsafeMutablePointer<Int32>.allocate(capacity: br + 1)
                let cols = UnsafeMutablePointer<Int32>.allocate(capacity: max(nz, 1))
                let v = UnsafeMutablePointer<Float>.allocate(capacity: max(nz, 1))
                var k = 0
                for r in 0..<br {
                    ptr[r] = Int32(k)
                    let row = w + r * inDim
                    for c in 0..<inDim where row[c] != 0 {
                        cols[k] = Int32(c * Self.tile * 4); v[k] = row[c]; k += 1
                    }
                }
                ptr[br] = Int32(k)
                rp.append(ptr); co.append(cols); vals.append(v); dense.append(nil)
            } else {
                let copy = UnsafeMutablePointer<Float>.allocate(capacity: br * inDim)
                copy.initialize(from: w, count: br * inDim)
                rp.append(nil); co.append(nil); vals.append(nil); dense.append(copy)
            }
        }
        self.blocks = blocks; rowPointers = rp; columnOffsets = co; values = vals; self.dense = dense
    }

    deinit {
        for p in rowPointers { p?.deallocate() }
        for p in columnOffsets { p?.deallocate() }
        for p in values { p?.deallocate() }
        for p in dense { p?.deallocate() }
    }

    /// Non-zeros over all entries.
    public var density: Double { Double(blocks.reduce(0) { $0 + $1.nonZeros }) / Double(outDim * inDim) }
    public var hasSparseBlock: Bool { blocks.contains { $0.sparse } }

    public func forward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Int) {
        guard rows > 0 else { return }
        let T = Self.tile, inDim = inDim, outDim = outDim
        let tiles = (rows + T - 1) / T
        let anySparse = hasSparseBlock
        let maxSparseRows = blocks.filter(\.sparse).map(\.rowCount).max() ?? 0
        Compute.parallelRanges(tiles, grain: 1) { tileRange in
            let r0 = tileRange.lowerBound * T, r1 = min(rows, tileRange.upperBound * T)
            // Bias (or zeros), then the dense blocks over the whole chunk in one sgemm each.
            for r in r0..<r1 {
                let y = out + r * outDim
                if let bias { y.update(from: bias, count: outDim) } else { y.update(repeating: 0, count: outDim) }
            }
            for (b, block) in self.blocks.enumerated() where !block.sparse {
                Gemm.single(m: r1 - r0, n: block.rowCount, k: inDim, a: inp + r0 * inDim, lda: inDim,
                            b: self.dense[b]!, ldb: inDim, transB: true,
                            c: out + r0 * outDim + block.rowStart, ldc: outDim, beta: 1)
            }
            guard anySparse else { return }
            let xT = UnsafeMutableRawPointer.allocate(byteCount: inDim * T * 4, alignment: 64)
                .bindMemory(to: Float.self, capacity: inDim * T)
            let yT = UnsafeMutableRawPointer.allocate(byteCount: max(maxSparseRows, 1) * T * 4, alignment: 64)
                .bindMemory(to: Float.self, capacity: max(maxSparseRows, 1) * T)
            defer { xT.deallocate(); yT.deallocate() }
            for tile in tileRange {
                let t0 = tile * T, nt = min(T, rows - t0)
                Self.transposeIn(inp + t0 * inDim, rows: nt, inDim: inDim, into: xT)
                for (b, block) in self.blocks.enumerated() where block.sparse {
                    Self.multiply(rowPointers: self.rowPointers[b]!, columns: self.columnOffsets[b]!, values: self.values[b]!,
                                  rows: block.rowCount, xT: UnsafeRawPointer(xT), yT: yT)
                    Self.addTransposedOut(yT, rows: block.rowCount, tokens: nt, into: out + t0 * outDim + block.rowStart, ldo: outDim)
                }
            }
        }
    }

    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Transposes 8 vectors in registers. Three rounds of "unzip" (even and odd lanes of a pair) on
    /// pairs 4, 2 and 1 apart; rows must come in bit-reversed order (0,4,2,6,1,5,3,7) and the columns
    /// come out in that order, lanes in natural order.
    @inline(__always)
    static func transpose8(_ v: inout (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                                       SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)) {
        @inline(__always) func unzip(_ a: inout SIMD8<Float>, _ b: inout SIMD8<Float>) {
            let c = SIMD16(lowHalf: a, highHalf: b)
            a = c.evenHalf; b = c.oddHalf
        }
        unzip(&v.0, &v.4); unzip(&v.1, &v.5); unzip(&v.2, &v.6); unzip(&v.3, &v.7)
        unzip(&v.0, &v.2); unzip(&v.1, &v.3); unzip(&v.4, &v.6); unzip(&v.5, &v.7)
        unzip(&v.0, &v.1); unzip(&v.2, &v.3); unzip(&v.4, &v.5); unzip(&v.6, &v.7)
    }

    static let bitReversed = [0, 4, 2, 6, 1, 5, 3, 7]

    /// `xᵀ[j, t] = x[t, j]` for a tile of `rows` ≤ 32 tokens, zero beyond them; 8×8 blocks in registers
    /// when `inDim` is a multiple of 8.
    static func transposeIn(_ x: UnsafePointer<Float>, rows: Int, inDim: Int, into xT: UnsafeMutablePointer<Float>) {
        let T = tile
        guard inDim % 8 == 0 else {
            xT.update(repeating: 0, count: inDim * T)
            for t in 0..<rows { for j in 0..<inDim { xT[j * T + t] = x[t * inDim + j] } }
            return
        }
        let zero = SIMD8<Float>()
        let out = UnsafeMutableRawPointer(xT)
        for tb in stride(from: 0, to: T, by: 8) {
            let valid = min(max(rows - tb, 0), 8)
            for jb in stride(from: 0, to: inDim, by: 8) {
                if valid == 0 {
                    for k in 0..<8 { out.storeBytes(of: zero, toByteOffset: ((jb + k) * T + tb) * 4, as: SIMD8<Float>.self) }
                    continue
                }
                @inline(__always) func row(_ r: Int) -> SIMD8<Float> { r < valid ? load8(x + (tb + r) * inDim + jb) : zero }
                var v = (row(0), row(4), row(2), row(6), row(1), row(5), row(3), row(7))
                transpose8(&v)
                let base = (jb * T + tb) * 4, stride = T * 4
                out.storeBytes(of: v.0, toByteOffset: base, as: SIMD8<Float>.self)
                out.storeBytes(of: v.1, toByteOffset: base + 4 * stride, as: SIMD8<Float>.self)
                out.storeBytes(of: v.2, toByteOffset: base + 2 * stride, as: SIMD8<Float>.self)
                out.storeBytes(of: v.3, toByteOffset: base + 6 * stride, as: SIMD8<Float>.self)
                out.storeBytes(of: v.4, toByteOffset: base + 1 * stride, as: SIMD8<Float>.self)
                out.storeBytes(of: v.5, toByteOffset: base + 5 * stride, as: SIMD8<Float>.self)
                out.storeBytes(of: v.6, toByteOffset: base + 3 * stride, as: SIMD8<Float>.self)
                out.storeBytes(of: v.7, toByteOffset: base + 7 * stride, as: SIMD8<Float>.self)
            }
        }
    }

    /// `y[t, o] += yᵀ[o, t]` for `tokens` ≤ 32 tokens and `rows` outputs (`y` rows `ldo` apart).
    static func addTransposedOut(_ yT: UnsafePointer<Float>, rows: Int, tokens: Int, into y: UnsafeMutablePointer<Float>, ldo: Int) {
        let T = tile
        guard rows % 8 == 0 else {
            for t in 0..<tokens { for o in 0..<rows { y[t * ldo + o] += yT[o * T + t] } }
            return
        }
        for tb in stride(from: 0, to: tokens, by: 8) {
            let valid = min(tokens - tb, 8)
            for ob in stride(from: 0, to: rows, by: 8) {
                @inline(__always) func col(_ o: Int) -> SIMD8<Float> { load8(yT + (ob + o) * T + tb) }
                var v = (col(0), col(4), col(2), col(6), col(1), col(5), col(3), col(7))
                transpose8(&v)
                @inline(__always) func add(_ t: Int, _ x: SIMD8<Float>) {
                    guard t < valid else { return }
                    let p = UnsafeMutableRawPointer(y + (tb + t) * ldo + ob)
                    p.storeBytes(of: p.loadUnaligned(as: SIMD8<Float>.self) + x, as: SIMD8<Float>.self)
                }
                // Position p holds token bitrev(p).
                add(0, v.0); add(4, v.1); add(2, v.2); add(6, v.3); add(1, v.4); add(5, v.5); add(3, v.6); add(7, v.7)
            }
        }
    }

    /// `yᵀ[o, 0..<32] = Σ_p values[p] · xᵀ[col_p, 0..<32]` for every row o of one CSR block.
    @inline(__always)
    static func multiply(rowPointers: UnsafePointer<Int32>, columns: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                         rows: Int, xT: UnsafeRawPointer, yT: UnsafeMutablePointer<Float>) {
        let out = UnsafeMutableRawPointer(yT)
        for o in 0..<rows {
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var p = Int(rowPointers[o])
            let end = Int(rowPointers[o + 1])
            while p < end {
                let w = SIMD8<Float>(repeating: values[p])
                let src = xT + Int(columns[p])
                a0 = a0.addingProduct(w, src.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self))
                a1 = a1.addingProduct(w, src.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
                a2 = a2.addingProduct(w, src.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self))
                a3 = a3.addingProduct(w, src.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self))
                p += 1
            }
            let dst = out + o * 128
            dst.storeBytes(of: a0, toByteOffset: 0, as: SIMD8<Float>.self)
            dst.storeBytes(of: a1, toByteOffset: 32, as: SIMD8<Float>.self)
            dst.storeBytes(of: a2, toByteOffset: 64, as: SIMD8<Float>.self)
            dst.storeBytes(of: a3, toByteOffset: 96, as: SIMD8<Float>.self)
        }
    }
}
