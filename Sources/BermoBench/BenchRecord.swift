import BermoRuntime
import Foundation

/// The result lines every benchmark prints: one flat JSON object per workload, keys sorted, so
/// `scripts/bench/*.sh` and `BENCHMARKS.md` tables read bermo's and the reference scripts' lines alike
/// (`impl` tells them apart; PyTorch's say `pytorch`).
public enum BenchRecord {
    /// `fields` as one JSON line, with `impl: bermo` and the OpenBLAS kernel family (`blas_core`) that
    /// ran, since the sgemm-bound numbers depend on it more than on anything bermo does.
    /// A measurement that is not a number (a timer that read zero, a count divided by it) is an error naming
    /// the field: JSON has no NaN, and a benchmark line the scripts cannot parse would be lost silently.
    public static func line(_ fields: [String: Any]) throws -> String {
        var fields = fields
        fields["impl"] = "bermo"
        fields["blas_core"] = BLASCore.name
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            if let number = value as? Double, !number.isFinite {
                throw RuntimeError("benchmark \(fields["workload"] ?? "?"): \(key) is \(number), which a JSON line cannot hold; "
                    + "rerun with more --reps (a timing of zero divides to infinity)")
            }
        }
        do {
            return String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
        } catch {
            throw RuntimeError("benchmark \(fields["workload"] ?? "?"): its record cannot be written as JSON (\(error.localizedDescription))")
        }
    }
}
