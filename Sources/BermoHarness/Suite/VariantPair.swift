/// Two variants whose per-seed results are compared (`variant` − `reference`): a suite's `compare:`
/// entry (`{variant: bermo, against: bert}`), stored in results as `{"variant", "against"}`.
public struct VariantPair: Codable, Sendable, Equatable, Hashable {
    public var variant: String
    public var against: String

    public init(variant: String, against: String) { self.variant = variant; self.against = against }

    /// The variant every other one is compared with when a suite declares no pairs: BERT's head is the
    /// baseline bermo exists to be measured against.
    public static let defaultReference = "bert"

    /// Each variant against `bert`, in the suite's order, when a variant of that name exists; else none.
    public static func defaults(variants: [String]) -> [VariantPair] {
        guard variants.contains(defaultReference) else { return [] }
        return variants.filter { $0 != defaultReference }.map { VariantPair(variant: $0, against: defaultReference) }
    }
}
