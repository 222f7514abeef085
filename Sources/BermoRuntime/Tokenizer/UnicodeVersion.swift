/// A Unicode version whose tables a reference library was built with. Swift's tables are newer, so a scalar
/// assigned after that version is, to the reference, unassigned: no letter, no mark, no decomposition. Each
/// reference component names its version here, and the exhaustive Unicode tests check every scalar against it.
struct UnicodeVersion: Sendable {
    let major: Int
    let minor: Int

    /// `unicode_categories` (BertNormalizer's and BertPreTokenizer's control, punctuation and mark classes).
    static let bertCategories = UnicodeVersion(major: 8, minor: 0)
    /// `unicode-normalization-alignments` (NFD, NFKD, NFC, NFKC, and StripAccents' combining marks).
    static let normalization = UnicodeVersion(major: 9, minor: 0)
    /// Oniguruma (the regex engine of GPT-2's pre-tokenization pattern).
    static let oniguruma = UnicodeVersion(major: 16, minor: 0)

    /// Whether `scalar` is assigned in this version.
    @inline(__always)
    func knows(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < major || (age.major == major && age.minor <= minor)
    }
}
