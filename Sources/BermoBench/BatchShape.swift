import BermoRuntime

/// A batch of B sequences of exactly T tokens, written `BxT` (`32x128`) as in PyTorch's reference
/// scripts (`finetune_torch.py --speed 32x128`) and in workload names (`train-32x128`).
public struct BatchShape: SettingValue, CustomStringConvertible {
    public var sequences: Int
    public var tokens: Int

    public init(sequences: Int, tokens: Int) { self.sequences = sequences; self.tokens = tokens }

    /// T counts [CLS] and [SEP], so it is at least 2; BERT's position table ends at 512.
    public static let tokenRange = 2...512

    public static var expected: String { "a BxT shape (B ≥ 1 sequences of T in 2...512 tokens)" }
    public static var example: String { "32x128" }

    public init?(setting json: JSONValue) {
        guard case .string(let text) = json else { return nil }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let b = parts[0], let t = parts[1], b >= 1, Self.tokenRange.contains(t) else { return nil }
        self.init(sequences: b, tokens: t)
    }

    public var settingJSON: JSONValue { .string(description) }
    public var description: String { "\(sequences)x\(tokens)" }
}
