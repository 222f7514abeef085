import BermoRuntime
import BermoTestSupport
import Foundation

/// The built `bermo`, run the way golden outputs are recorded: kernels on one thread (`--threads 1` is
/// the caller's; OpenBLAS through `OPENBLAS_NUM_THREADS=1`), OpenBLAS's Haswell kernel family whatever
/// the CPU (so the matrix products are bit-identical on any x86 machine with AVX2), and a fresh cache
/// holding only the real minilm-l6 checkpoint (linked in), so no feature or hash cached by another build
/// of bermo is reused.
struct PinnedCLI: Sendable {
    let directory: TemporaryDirectory
    let cache: URL

    /// Fails (loudly) when the real checkpoint cannot be found or fetched, or on a machine whose kernels
    /// cannot reproduce the recorded numbers.
    init(_ label: String) throws {
        #if !arch(x86_64)
        throw GoldenRunFailure(description: "golden outputs are recorded on x86-64 with OpenBLAS's Haswell kernels; "
            + "this machine cannot reproduce them bit for bit: run these tests on an x86-64 machine with AVX2")
        #endif
        guard BLASCore.cpuFlags.contains("avx2") else {
            throw GoldenRunFailure(description: "this CPU lacks AVX2, which OpenBLAS's Haswell kernels (the recorded ones) need")
        }
        directory = try TemporaryDirectory(label)
        cache = directory.file("cache")
        let models = cache.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: models.appendingPathComponent("minilm-l6"),
                                                   withDestinationURL: TestModel.minilmDirectory())
    }

    static let pinnedEnvironment = ["OPENBLAS_NUM_THREADS": "1", "OPENBLAS_CORETYPE": "Haswell"]

    /// Runs `bermo arguments` in this directory; throws with the output when it does not exit 0.
    func run(_ arguments: [String]) throws -> CLI.Result {
        var environment = Self.pinnedEnvironment
        environment["BERMO_CACHE"] = cache.path
        let result = try CLI.run(arguments, cwd: directory.url, environment: environment)
        guard result.exited && result.status == 0 else {
            throw GoldenRunFailure(description: "`bermo \(arguments.joined(separator: " "))` exited \(result.status):\n\(result.stderr)")
        }
        return result
    }

    func cleanup() { directory.cleanup() }
}

struct GoldenRunFailure: Error, CustomStringConvertible { let description: String }
