import BermoRuntime
import Foundation

/// The result lines every benchmark prints: one flat JSON object per workload, keys sorted, so
/// `scripts/bench/*.sh` and `BENCHMARKS.md` tables read bermo's and the reference scripts' lines alike
/// (`impl` tells them apart; PyTorch's say `pytorch`).
public enum BenchRecord {
    /// `fields` as one JSON line, with `impl: bermo` and the OpenBLAS kernel family (`blas_core`) that
    /// ran, since the sgemm-bound numbers depend on it more than on anything bermo does.
    public static func line(_ fields: [String: Any]) -> String {
        var fields = fields
        fields["impl"] = "bermo"
        fields["blas_core"] = BLASCore.name
        // Only numbers, strings and booleans go in, so serialising cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
