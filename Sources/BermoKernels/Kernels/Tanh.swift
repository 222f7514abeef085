import Foundation

/// tanh for the pooler (a [batch, hidden] tensor: too small to be worth a vectorised kernel).
public enum Tanh {
    public static func forward(_ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = tanhf(inp[i]) }
    }
    /// dinp = dout ⊙ (1 − out²), from the saved output.
    public static func backward(_ dinp: UnsafeMutablePointer<Float>, out: UnsafePointer<Float>,
                                dout: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { dinp[i] = dout[i] * (1 - out[i] * out[i]) }
    }
}
