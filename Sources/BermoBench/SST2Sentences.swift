import BermoRuntime
import Foundation

/// The text the benchmarks encode and train on: SST-2's sentences (short movie-review phrases, the
/// workload `scripts/reference/bench_encode_torch.py` times too), read from the data directory.
public enum SST2Sentences {
    public enum Split: String, Sendable { case train, dev }

    /// The `sentence` column of `glue/SST-2/<split>.tsv`, in file order.
    public static func read(_ split: Split, dataDirectory: URL) throws -> [String] {
        let path = dataDirectory.appendingPathComponent("glue/SST-2/\(split.rawValue).tsv").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw RuntimeError("\(path): missing; the benchmarks read SST-2 below the data directory (--data-dir, else $BERMO_DATA); fetch it with `bermo data fetch glue --tasks sst2`")
        }
        let table = try TSVTable(path: path)
        let column = try table.column("sentence", option: "SST-2's sentence column")
        return table.rows.map { $0.fields[column] }
    }
}

extension BenchContext {
    /// SST-2's sentences below this context's data directory.
    public func sst2(_ split: SST2Sentences.Split) throws -> [String] {
        try SST2Sentences.read(split, dataDirectory: dataDirectory)
    }
}
