import BermoTestSupport
import Foundation
import Testing

/// Seeded, time-bounded fuzzing of every untrusted input through the real command that reads it (issue #13):
/// no signal, no hang, and either success (with a sound output) or an error that names the file. CI runs
/// `BERMO_FUZZ_SECONDS` (default 8) per target with seed 1; `make fuzz` runs ten minutes per target with a
/// fresh seed and saves failing inputs as regression fixtures, which every run replays first.
@Suite("Fuzzing the inputs bermo reads")
struct FuzzTests {
    static let targets: [String: @Sendable () throws -> FuzzTarget] = [
        "suite": FuzzTargets.suite, "glue-tsv": FuzzTargets.glueTSV, "probe-tsv": FuzzTargets.probeTSV,
        "safetensors": FuzzTargets.safetensors, "config": FuzzTargets.config, "vocab": FuzzTargets.vocab,
        "tokenizer-json": FuzzTargets.tokenizerJSON, "encode-input": FuzzTargets.encodeInput, "checkpoint": FuzzTargets.checkpoint, "results": FuzzTargets.results,
    ]

    /// Every target, or those `BERMO_FUZZ_TARGETS` names (comma-separated), for a long run of a few.
    static let selected: [String] = {
        let all = ["suite", "glue-tsv", "probe-tsv", "safetensors", "config", "vocab", "tokenizer-json", "encode-input", "checkpoint",
                   "results"]
        guard let list = ProcessInfo.processInfo.environment["BERMO_FUZZ_TARGETS"], !list.isEmpty else { return all }
        return list.split(separator: ",").map(String.init)
    }()

    @Test(arguments: selected)
    func fuzz(_ name: String) throws {
        let make = try #require(Self.targets[name])
        let target = try make()
        let report = try Fuzzer.run(target)
        print("fuzz \(name): \(report)")
        #expect(report.cases > 0, "no mutated case ran in \(Fuzzer.seconds) s")
        #expect(report.problems.isEmpty, "fuzz \(name) (\(report)):\n\(report.problems.prefix(10).joined(separator: "\n"))")
    }
}
