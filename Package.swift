// swift-tools-version:6.0
// bermo: a Swift evaluation harness and CPU training runtime for BERMo.
// Dependencies flow one way: BermoRuntime <- BermoHarness <- Plugins <- bermo (CLI).
import PackageDescription

/// Kernels are raw-pointer loops: checked arithmetic and bounds checks stop them vectorising in release.
/// The runtime uses Swift 5 mode because its worker closures capture raw pointers, which are not `Sendable`;
/// the kernels guarantee disjoint writes themselves.
/// On x86-64, release builds target Haswell (AVX2 + FMA: every x86-64 server CPU since 2013) so the
/// elementwise kernels run 8 floats wide instead of SSE's 4.
#if arch(x86_64)
let cpuFlags = ["-target-cpu", "haswell"]
#else
let cpuFlags: [String] = []
#endif
let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"] + cpuFlags, .when(configuration: .release))]
let runtimeSettings: [SwiftSetting] = optimise + [.swiftLanguageMode(.v5)]

let package = Package(
    name: "bermo",
    platforms: [.macOS(.v13)],
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
            swiftSettings: runtimeSettings
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
            path: "Sources/BermoRuntime",
            swiftSettings: runtimeSettings
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
            swiftSettings: runtimeSettings
        ),
        // The probe network's forward, backward and Adam step.
        .target(
            name: "SentEvalKernels",
            dependencies: ["BermoKernels"],
            path: "Plugins/SentEval/Kernels",
            swiftSettings: runtimeSettings
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
            swiftSettings: runtimeSettings
        ),
        // Pruning schedules (magnitude, movement, soft movement, L0) as a `TrainingHook`, export of pruned
        // models and sparse inference kernels.
        .target(
            name: "PruningPlugin",
            dependencies: ["BermoRuntime", "BermoHarness", "GLUEPlugin", "PruningKernels"],
            path: "Plugins/Pruning",
            exclude: ["README.md", "Kernels"],
            swiftSettings: runtimeSettings
        ),
        // Pruning's kernels: the sparse projection, top-k selection, the scores' AdamW, the mask math.
        .target(
            name: "PruningKernels",
            dependencies: ["BermoKernels"],
            path: "Plugins/Pruning/Kernels",
            swiftSettings: runtimeSettings
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
            path: "Sources/bermo",
            swiftSettings: optimise
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
