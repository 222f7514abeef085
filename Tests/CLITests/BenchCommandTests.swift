import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// `bermo bench <name>`: every benchmark once, with its smallest settings, on a tiny random model that
/// has MiniLM's vocabulary (MiniLM itself takes minutes per benchmark in a debug build). Checks the
/// records, not the speeds.
@Suite("bermo bench (every benchmark, smallest settings)")
struct BenchCommandTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        /// Workload name → fields that must be finite numbers > 0.
        var workloads: [String: [String]]
        /// How many records to expect.
        var records: Int
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let encodeSpeed = ["seconds_per_batch", "sentences_per_s", "gflops", "threads"]
    static let sparseSpeed = ["remaining", "tokens", "dense_seconds", "sparse_seconds", "speedup", "threads"]
    static let trainSpeed = ["seconds_per_step", "examples_per_s", "gflops", "threads"]
    static let kernels = ["gelu-forward", "gelu-backward", "exp", "softmax-rows-128", "layernorm-384", "dropout-mask"]

    static let cases = [
        Case(arguments: ["encode", "--reps", "1", "--sentences", "8", "--real-batch-size", "4"],
             workloads: ["sgemm-4096x32x96": ["gflops"], "sgemm-4096x32x64": ["gflops"], "sgemm-4096x64x32": ["gflops"],
                         "full-32x128": encodeSpeed,
                         "sst2-8-real": ["seconds", "sentences_per_s", "tokens", "tokenize_seconds", "batch_size", "threads"]],
             records: 5),
        Case(arguments: ["train", "--reps", "1", "--shapes", "2x8,1x4"],
             workloads: ["train-2x8": trainSpeed, "train-1x4": trainSpeed], records: 4),
        Case(arguments: ["kernels", "--reps", "1", "--rows", "1"],
             workloads: Dictionary(uniqueKeysWithValues: kernels.map { ("kernel-\($0)", ["ns_per_element"]) }), records: 6),
        Case(arguments: ["sparse", "--reps", "1", "--remaining", "0.1", "--sentences", "8"],
             workloads: ["sparse-full-32x128": sparseSpeed, "sparse-sst2-8-real": sparseSpeed], records: 2),
        Case(arguments: ["prune", "--reps", "1", "--shape", "2x16"],
             workloads: ["train-pruned": ["seconds_per_step", "tokens", "threads"]], records: 10),
    ]

    @Test(arguments: cases)
    func emitsRecords(_ c: Case) throws {
        let model = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: model) }
        try ModelFolders.writeTiny(to: model)
        let r = try CLI.run(["bench"] + c.arguments + ["--model", model.path, "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == c.records, "\(r.stdout)")
        for line in lines {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(record["impl"] as? String == "bermo")
            #expect((record["blas_core"] as? String)?.isEmpty == false)
            let workload = try #require(record["workload"] as? String)
            let positive = try #require(c.workloads[workload], "unexpected workload \(workload)")
            for field in positive {
                let value = (record[field] as? NSNumber)?.doubleValue
                #expect(value.map { $0.isFinite && $0 > 0 } == true, "\(workload): \(field) = \(String(describing: record[field]))")
            }
            for (key, value) in record {
                if let number = value as? NSNumber, !(value is Bool) { #expect(number.doubleValue.isFinite, "\(workload): \(key)") }
            }
        }
    }

    @Test("an unknown benchmark and an option out of range are usage errors, before any model loads")
    func usageErrors() throws {
        let unknown = try CLI.run(["bench", "encdoe"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown benchmark `encdoe`") && unknown.stderr.contains("encode"), "\(unknown.stderr)")
        let range = try CLI.run(["bench", "train", "--reps", "0", "--model", "/nonexistent"])
        #expect(range.status == 2 && range.stderr.contains("--reps") && range.stderr.contains("1...1000"), "\(range.stderr)")
        let shape = try CLI.run(["bench", "train", "--shapes", "32x128,32by64", "--model", "/nonexistent"])
        #expect(shape.status == 2 && shape.stderr.contains("--shapes[1]") && shape.stderr.contains("BxT"), "\(shape.stderr)")
    }
}
