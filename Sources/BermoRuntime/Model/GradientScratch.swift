/// Temporary gradient buffers for one backward pass, grown to the largest batch and reused.
/// Parameter gradients live in a `ParameterBuffer` with the model's layout; these hold the
/// gradients of activations, which die with the step.
public final class GradientScratch {
    private var storage = ParameterBuffer(count: 0)
    private(set) var tokens = 0
    /// `dfc` is separate from `dact` so GELU's backward never writes over its own input: an in-place
    /// elementwise loop fails the compiler's overlap check and runs unvectorised.
    private(set) var dres = 0, dx = 0, dr2 = 0, dy1 = 0, dact = 0, dfc = 0, dr1 = 0, dctx = 0, dqkv = 0
    private(set) var dfeature = 0, dpooled = 0, dlogits = 0, dmix: [Int] = []

    public init() {}

    func prepare(tokens N: Int, batch B: Int, config: BertConfig, classes C: Int, mixSize: Int) {
        let H = config.hiddenSize, I = config.intermediateSize
        var total = 0
        func take(_ n: Int) -> Int { defer { total += n }; return total }
        dres = take(N * H); dx = take(N * H); dr2 = take(N * H); dy1 = take(N * H); dact = take(N * I); dfc = take(N * I)
        dr1 = take(N * H); dctx = take(N * H); dqkv = take(N * 3 * H)
        dfeature = take(B * H); dpooled = take(B * H); dlogits = take(B * max(C, 1))
        dmix = (0..<mixSize).map { _ in take(B * H) }
        tokens = N
        if storage.count < total { storage = ParameterBuffer(count: max(total, storage.count * 2), zeroed: false) }
    }

    @inline(__always) subscript(offset: Int) -> UnsafeMutablePointer<Float> { storage.base + offset }
    func zero(_ offset: Int, _ count: Int) { (storage.base + offset).update(repeating: 0, count: count) }
}
