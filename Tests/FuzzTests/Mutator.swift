import Foundation

/// A seeded byte mutator in the style of AFL's "havoc" stage: each case stacks a few random edits (bit flips,
/// interesting bytes and numbers, inserted dictionary tokens, deleted, duplicated or spliced ranges, a cut).
/// Case `i` of seed `s` is always the same input, so a failure is reproduced from the two numbers alone.
struct Mutator {
    /// What the bytes are, beyond bytes: JSON inputs also get edits of their values (a number made huge,
    /// negative or fractional, a key removed, a type changed), which byte edits rarely reach without breaking
    /// the syntax first.
    enum Structure: Sendable { case bytes, json, safetensorsHeader }
    var structure = Structure.bytes
    /// Tokens a format's parser treats specially (YAML anchors and aliases, TSV separators, JSON numbers that
    /// do not fit, line endings, a byte-order mark, ...).
    let dictionary: [[UInt8]]
    /// Largest input produced, in bytes.
    var limit = 1 << 20

    init(dictionary: [String], structure: Structure = .bytes) {
        self.dictionary = (dictionary + Self.common).map { Array($0.utf8) }
        self.structure = structure
    }

    /// What every format gets: line endings, a byte-order mark, invalid UTF-8, numbers at the edges.
    static let common = ["\r\n", "\r", "\n", "\u{FEFF}", "\t", "\0", "\u{00FF}", "-1", "0", "1e309", "NaN", "-0",
                         "2147483648", "9223372036854775808", "-9223372036854775809", "4294967296", "1e-400", "  "]

    func mutate(_ input: [UInt8], splice other: [UInt8], seed: UInt64, index: Int) -> [UInt8] {
        var rng = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        if structure != .bytes && rng.below(2) == 0, let edited = editJSON(input, rng: &rng) { return edited }
        var bytes = input
        for _ in 0..<(1 + rng.below(6)) {
            switch rng.below(10) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let i = rng.below(bytes.count); bytes[i] ^= UInt8(1) << UInt8(rng.below(8))
            case 1 where !bytes.isEmpty:  // an interesting byte
                bytes[rng.below(bytes.count)] = [0x00, 0x0A, 0x0D, 0x09, 0x22, 0x27, 0x5C, 0x7F, 0x80, 0xC0, 0xFF, 0x3A, 0x2C][rng.below(13)]
            case 2, 3:  // a dictionary token
                let token = dictionary[rng.below(dictionary.count)]
                bytes.insert(contentsOf: token, at: rng.below(bytes.count + 1))
            case 4 where !bytes.isEmpty:  // overwrite with a token (replaces a number, a key, a separator)
                let token = dictionary[rng.below(dictionary.count)], at = rng.below(bytes.count)
                bytes.replaceSubrange(at..<min(bytes.count, at + token.count), with: token)
            case 5 where bytes.count > 1:  // delete a range
                let at = rng.below(bytes.count), n = 1 + rng.below(min(64, bytes.count - at))
                bytes.removeSubrange(at..<(at + n))
            case 6 where !bytes.isEmpty:  // duplicate a range, sometimes many times (long lines, deep nesting)
                let at = rng.below(bytes.count), n = 1 + rng.below(min(256, bytes.count - at))
                let chunk = Array(bytes[at..<(at + n)]), times = rng.below(4) == 0 ? 1 + rng.below(200) : 1
                bytes.insert(contentsOf: Array([[UInt8]](repeating: chunk, count: times).joined()), at: at)
            case 7 where !other.isEmpty:  // splice in a range of another seed input
                let at = rng.below(other.count), n = 1 + rng.below(min(512, other.count - at))
                bytes.insert(contentsOf: other[at..<(at + n)], at: rng.below(bytes.count + 1))
            case 8 where !bytes.isEmpty:  // cut the file short
                bytes.removeSubrange(rng.below(bytes.count)...)
            default:  // a random byte anywhere
                bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(bytes.count + 1))
            }
            if bytes.count > limit { bytes.removeSubrange(limit...) }
        }
        return bytes
    }
}

extension Mutator {
    /// Values a JSON field gets in place of its own.
    static var jsonValues: [Any] {
        [-1, 0, 1, 2.5, -2.5, 1_000_000_000, 4_294_967_296, Int64.max, 1e300, "", "x", NSNull(), true, [Any](), [String: Any](), [1, 2], ["F32"]]
    }

    /// One to three edits of the JSON values in `input` (for a safetensors header: of the JSON behind its
    /// 8-byte length, which is rewritten); nil when `input` is not JSON.
    func editJSON(_ input: [UInt8], rng: inout SplitMix64) -> [UInt8]? {
        let offset = structure == .safetensorsHeader ? 8 : 0
        guard input.count >= offset, var root = try? JSONSerialization.jsonObject(with: Data(input[offset...]), options: [.fragmentsAllowed]) else { return nil }
        for _ in 0..<(1 + rng.below(3)) { root = Self.edit(root, rng: &rng) }
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.fragmentsAllowed]) else { return nil }
        guard structure == .safetensorsHeader else { return Array(data) }
        return (0..<8).map { UInt8(truncatingIfNeeded: UInt64(data.count) >> (8 * UInt64($0))) } + Array(data)
    }

    /// `value` with one place in it replaced by an interesting value, removed, or duplicated.
    static func edit(_ value: Any, rng: inout SplitMix64) -> Any {
        switch value {
        case var object as [String: Any] where !object.isEmpty:
            let keys = object.keys.sorted(), key = keys[rng.below(keys.count)]
            switch rng.below(6) {
            case 0: object[key] = nil
            case 1: object[key] = jsonValues[rng.below(jsonValues.count)]
            default: object[key] = edit(object[key]!, rng: &rng)
            }
            return object
        case var array as [Any] where !array.isEmpty:
            let i = rng.below(array.count)
            switch rng.below(5) {
            case 0: array.remove(at: i)
            case 1: array.append(array[i])
            default: array[i] = edit(array[i], rng: &rng)
            }
            return array
        default:
            return jsonValues[rng.below(jsonValues.count)]
        }
    }
}

/// SplitMix64: small, fast, and the same sequence on every platform.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
