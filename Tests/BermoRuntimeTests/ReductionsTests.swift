import BermoRuntime
import Testing

@Suite("Vector reductions")
struct ReductionsTests {
    @Test("blocked sums over several blocks and a ragged tail equal a Double reference")
    func blockedSums() {
        let n = 3 * Reductions.block + 1_234
        var rng = SeededRandom(seed: 9)
        let x = (0..<n).map { _ in rng.nextNormal() + 0.25 }
        var sum = 0.0, squares = 0.0
        for v in x { sum += Double(v); squares += Double(v) * Double(v) }
        x.withUnsafeBufferPointer { p in
            let s = Reductions.blockedSum(p.baseAddress!, count: n), q = Reductions.blockedSumOfSquares(p.baseAddress!, count: n)
            // Float lanes within a 65,536-value block: relative error well under 1e-5 of the magnitude summed.
            #expect(abs(s - sum) <= 1e-5 * squares.squareRoot() * Double(n).squareRoot())
            #expect(abs(q - squares) <= 1e-5 * squares)
            #expect(Reductions.blockedSum(p.baseAddress!, count: 0) == 0)
            #expect(Reductions.blockedSum(p.baseAddress!, count: 5) == Double(x[0..<5].reduce(0, +)))
        }
    }
}
