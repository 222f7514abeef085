import BermoTestSupport
import BermoRuntime
import Foundation
import Testing

@Suite("Fast math kernels")
struct FastMathTests {
    @Test("fastExp has relative error below 3e-7 on [-87, 88]")
    func expAccuracy() {
        var worst = 0.0
        var x = -87.0
        while x < 88 {
            let got = Double(fastExp(Float(x))), want = Foundation.exp(Double(Float(x)))
            worst = max(worst, abs(got - want) / want)
            x += 0.0137
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
        #expect(fastExp(-1000) < 1e-37)
        #expect(fastExp(0) == 1)
    }

    /// Numerical Recipes' fit is good to 1.2e-7 relative; in float, exp(−z²) adds the rounding of z²
    /// (≈ z²·6e-8 relative), which dominates once erfc is small. Hence a bound of 4e-7·max(1, x²) (measured worst: 3.4e-7).
    @Test("fastErfc: relative error < 4e-7·max(1, x²); erf within 3e-7 absolute")
    func erfAccuracy() {
        var worstScaled = 0.0, worstAbs = 0.0
        var x = -6.0
        while x < 9 {
            let xf = Float(x)
            let want = Foundation.erfc(Double(xf))
            if want > 1e-30 { worstScaled = max(worstScaled, abs(Double(fastErfc(xf)) - want) / want / max(1, x * x)) }
            worstAbs = max(worstAbs, abs(Double(fastErf(xf)) - Foundation.erf(Double(xf))))
            x += 0.00731
        }
        #expect(worstScaled < 4e-7, "worst relative erfc error / max(1, x²): \(worstScaled)")
        #expect(worstAbs < 3e-7, "worst absolute erf error \(worstAbs)")
    }

    @Test("GELU forward matches 0.5 x (1 + erf(x/√2)) in Double within 3e-7")
    func geluForward() {
        let xs = stride(from: -12.0, to: 12.0, by: 0.01).map { Float($0) }
        var out = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { y in
            GELU.forward(y.baseAddress!, x.baseAddress!, count: xs.count)
        }}
        for (x, y) in zip(xs, out) {
            let want = 0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))
            #expect(abs(Double(y) - want) <= 3e-7 * max(1, abs(want)), "gelu(\(x)) = \(y), want \(want)")
        }
    }
}
