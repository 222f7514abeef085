import BermoHarness
import BermoRuntime
import Foundation

/// Outputs recorded for one subject (a plugin, or the runtime) together with the versions that were
/// current when they were computed: the plugin's `version` and `Numerics.version` (`version` and
/// `numerics`; the runtime's entry has only `numerics`). Those versions are what a result change must bump.
struct GoldenEntry: Codable, Equatable, Sendable {
    var versions: [String: Int]
    var outputs: JSONValue

    /// "version 2, numerics 2", as messages say it.
    var versionText: String { versions.keys.sorted().map { "\($0) \(versions[$0]!)" }.joined(separator: ", ") }
}

/// A fixture file (`Tests/Fixtures/golden/plugin-outputs.json`, `numerics.json`): subject id → entry.
/// An absent file reads as empty, so the first recording creates it.
struct GoldenFile: Equatable, Sendable {
    var entries: [String: GoldenEntry]

    static func read(_ url: URL) throws -> GoldenFile {
        guard FileManager.default.fileExists(atPath: url.path) else { return GoldenFile(entries: [:]) }
        return GoldenFile(entries: try JSONDecoder().decode([String: GoldenEntry].self, from: Data(contentsOf: url)))
    }

    /// Sorted keys and one value per line, so a re-recording shows as a readable diff.
    func write(to url: URL) throws {
        try HarnessJSON.write(entries, to: url)
    }
}

/// When two recorded numbers count as the same: within 1e-9 absolute plus 1e-6 relative.
///
/// Golden outputs come from the same binary on pinned kernels (`OPENBLAS_CORETYPE=Haswell`), one thread
/// (`OPENBLAS_NUM_THREADS=1`, `--threads 1`) and seeded generators, so on any x86 machine with AVX2 they
/// are bit-identical run after run. The slack only absorbs what may legitimately differ between machines
/// without any change to bermo: libm's `exp`/`log`/`cos` of another glibc (1 ulp, ~1e-7 relative in
/// Float, barely amplified by a few training steps) and a debug against a release build of the same code.
/// Any change of behaviour moves these outputs by orders of magnitude more (a changed learning rate,
/// metric, data order or initialisation shows at 1e-3 and above).
struct GoldenTolerance: Sendable {
    var relative = 1e-6
    var absolute = 1e-9

    func same(_ a: Double, _ b: Double) -> Bool {
        if a == b { return true }
        return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
    }
}

enum GoldenDiff {
    /// Where `current` differs from `recorded`, one line per difference (`sst2 · bert · seed 1.metrics.accuracy:
    /// 0.5 → 0.5625`): numbers beyond `tolerance`, anything else not equal, keys added or removed.
    /// Integers and doubles are both numbers (a JSON file may read `1.0` back as `1`).
    static func differences(_ recorded: JSONValue, _ current: JSONValue, tolerance: GoldenTolerance = GoldenTolerance(),
                            path: String = "") -> [String] {
        let here = path.isEmpty ? "(outputs)" : path
        switch (recorded, current) {
        case (.object(let a), .object(let b)):
            return Set(a.keys).union(b.keys).sorted().flatMap { key -> [String] in
                let sub = path.isEmpty ? key : "\(path).\(key)"
                switch (a[key], b[key]) {
                case (let x?, let y?): return differences(x, y, tolerance: tolerance, path: sub)
                case (nil, let y?): return ["\(sub): added (\(brief(y)))"]
                case (let x?, nil): return ["\(sub): removed (was \(brief(x)))"]
                default: return []
                }
            }
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return ["\(here): \(a.count) elements → \(b.count)"] }
            return zip(a, b).enumerated().flatMap { i, pair in differences(pair.0, pair.1, tolerance: tolerance, path: "\(here)[\(i)]") }
        default:
            if let x = recorded.doubleValue, let y = current.doubleValue {
                return tolerance.same(x, y) ? [] : ["\(here): \(x) → \(y)"]
            }
            return recorded == current ? [] : ["\(here): \(brief(recorded)) → \(brief(current))"]
        }
    }

    /// A value short enough for a message line.
    static func brief(_ value: JSONValue) -> String {
        let text = value.shortText
        return text.count > 80 ? text.prefix(77) + "…" : text
    }
}
