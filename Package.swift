// swift-tools-version:6.0
// bermo: a Swift evaluation harness and CPU training runtime for BERMo.
// Dependencies flow one way: BermoKernels <- BermoRuntime <- BermoHarness <- Plugins <- bermo (CLI);
// a plugin's own kernels (PruningKernels, SentEvalKernels) depend on BermoKernels only.
import PackageDescription

/// Only the kernel targets (`BermoKernels`, `PruningKernels`, `SentEvalKernels`) are built unchecked: they
/// are raw-pointer loops over flat buffers, and in release the overflow and precondition checks (e.g. of a
/// Float-to-Int conversion) keep such loops from vectorising. On x86-64 they also target Haswell (AVX2 + FMA:
/// every x86-64 server CPU since 2013) so the elementwise loops run 8 floats wide instead of SSE's 4.
/// Everything else (checkpoint, config.json and tokenizer parsing, TSV, downloads, the model's orchestration,
/// suites, reports, the CLI) keeps Swift's checks (plain `-O` in release): its loops are not the time.
/// Kernels are called once per op with large work, so the module boundary costs nothing; the per-element
/// helpers other modules' loops call (`fastExp`, the top-k keys) are `@inlinable` and free of checks.
///
/// Language modes: the kernels and the runtime build in Swift 6 mode (their workers share raw pointers,
/// which are not `Sendable`; `Compute.parallel` is the one place that vouches for the kernels' disjoint
/// writes). The harness and the CLI are Swift 6 too. The plugins stay in Swift 5 mode while they are being
/// rewritten, though they already build in Swift 6 mode without an error or warning (empty `pluginSettings`).
#if arch(x86_64)
let cpuFlags = ["-target-cpu", "haswell"]
#else
let cpuFlags: [String] = []
#endif
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"] + cpuFlags, .when(configuration: .release))]
let pluginSettings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "bermo",
    // macOS 15: the Synchronization module (`Atomic`, `Mutex`) needs it.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bermo", targets: ["bermo"]),
        .library(name: "BermoRuntime", targets: ["BermoRuntime"]),
        .library(name: "SentEvalPlugin", targets: ["SentEvalPlugin"]),
        .library(name: "BermoHarness", targets: ["BermoHarness"]),
        .library(name: "GLUEPlugin", targets: ["GLUEPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // SHA-256 of downloaded wheels and checkpoints; fast even in debug builds, unlike a hand-written one.
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        // Suite files are YAML; Yams wraps libyaml, whose parser reports line and column for every node.
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        // OpenBLAS (Debian: libopenblas-dev) through pkg-config.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Raw-pointer numeric kernels: one file per op, forward and backward side by side; the workers
        // and sgemm wrappers they run on; the flat buffers they read and write.
        .target(
            name: "BermoKernels",
            dependencies: ["COpenBLAS"],
            path: "Sources/BermoKernels",
            swiftSettings: kernelSettings
        ),
        // The model runtime: checkpoints, tokenizer, the model's forward/backward op by op, training.
        // Knows nothing of the harness.
        .target(
            name: "BermoRuntime",
            dependencies: [
                "BermoKernels",
                "COpenBLAS",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/BermoRuntime"
        ),
        // SentEval probing (Conneau et al. 2018): dataset, feature cache, SentEval's classifier, BERMo mix probe.
        .target(
            name: "SentEvalPlugin",
            dependencies: [
                "BermoRuntime",
                "BermoHarness",
                "SentEvalKernels",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Plugins/SentEval",
            exclude: ["Kernels"],
            swiftSettings: pluginSettings
        ),
        // The probe network's forward, backward and Adam step.
        .target(
            name: "SentEvalKernels",
            dependencies: ["BermoKernels"],
            path: "Plugins/SentEval/Kernels",
            swiftSettings: kernelSettings
        ),
        // The evaluation harness: suite files, plugin protocols, job runner, results, reports and the
        // regression gate. Knows no concrete plugin; plugins depend on it, never the other way round.
        .target(
            name: "BermoHarness",
            dependencies: [
                "BermoRuntime",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources/BermoHarness"
        ),
        // GLUE (Wang et al. 2019): task catalogue, GLUE metrics, fine-tuning curves, convergence analysis,
        // verified downloads. Plain engine types; the harness's TaskPlugin conformance calls them.
        .target(
            name: "GLUEPlugin",
            dependencies: ["BermoRuntime", "BermoHarness"],
            path: "Plugins/GLUE",
            swiftSettings: pluginSettings
        ),
        // Pruning schedules (magnitude, movement, soft movement, L0) as a `TrainingHook`, export of pruned
        // models and sparse inference kernels.
        .target(
            name: "PruningPlugin",
            dependencies: ["BermoRuntime", "BermoHarness", "GLUEPlugin", "PruningKernels"],
            path: "Plugins/Pruning",
            exclude: ["README.md", "Kernels"],
            swiftSettings: pluginSettings
        ),
        // Pruning's kernels: the sparse projection, top-k selection, the scores' AdamW, the mask math.
        .target(
            name: "PruningKernels",
            dependencies: ["BermoKernels"],
            path: "Plugins/Pruning/Kernels",
            swiftSettings: kernelSettings
        ),
        .executableTarget(
            name: "bermo",
            dependencies: [
                "BermoRuntime",
                "SentEvalPlugin",
                "BermoHarness",
                "GLUEPlugin",
                "PruningPlugin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/bermo"
        ),
        // Helpers shared by the test targets (paths, the real checkpoint, temporary directories).
        .target(
            name: "BermoTestSupport",
            dependencies: ["BermoRuntime"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "BermoRuntimeTests",
            dependencies: ["BermoRuntime", "BermoTestSupport"],
            path: "Tests/BermoRuntimeTests"
        ),
        .testTarget(
            name: "GLUEPluginTests",
            dependencies: ["GLUEPlugin", "BermoRuntime", "BermoTestSupport"],
            path: "Tests/GLUEPluginTests"
        ),
        .testTarget(
            name: "PruningPluginTests",
            dependencies: ["PruningPlugin", "PruningKernels", "GLUEPlugin", "BermoRuntime", "BermoHarness", "BermoTestSupport"],
            path: "Tests/PruningPluginTests"
        ),
        // Runs the built `bermo` executable end to end.
        .testTarget(
            name: "CLITests",
            dependencies: ["BermoRuntime"],
            path: "Tests/CLITests"
        ),
        .testTarget(
            name: "SentEvalPluginTests",
            dependencies: ["SentEvalPlugin", "SentEvalKernels", "BermoRuntime", "BermoTestSupport"],
            path: "Tests/SentEvalPluginTests"
        ),
        .testTarget(
            name: "BermoHarnessTests",
            dependencies: ["BermoHarness", "BermoRuntime"],
            path: "Tests/BermoHarnessTests"
        ),
    ]
)
