// swift-tools-version:6.0
// bermo: a Swift evaluation harness and CPU training runtime for BERMo.
// Dependencies flow one way: BermoRuntime <- BermoBench <- BermoHarness <- Plugins <- bermo (CLI).
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
    ],
    targets: [
        // OpenBLAS (Debian: libopenblas-dev) through pkg-config.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // libcrypto of OpenSSL 3 (Debian: libssl-dev) for SHA-256 and git's SHA-1; only its EVP digests are used.
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libyaml (Debian: libyaml-dev): suite files are YAML; its events carry the line and column of every
        // node, and the harness builds its located tree from them.
        .systemLibrary(
            name: "CYAML",
            path: "Sources/CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // The model runtime: checkpoints, tokenizer, kernels, forward/backward. Knows nothing of the harness.
        .target(
            name: "BermoRuntime",
            dependencies: ["COpenBLAS", "COpenSSL"],
            path: "Sources/BermoRuntime",
            swiftSettings: runtimeSettings
        ),
        // Speed benchmarks: the one timer, the SST-2 reader, the JSON-line records, the `Benchmark` protocol
        // and the runtime's own benchmarks (encode, train, kernels). Release-optimised like the runtime, since
        // some workloads (the elementwise kernels' loops) are written here.
        .target(
            name: "BermoBench",
            dependencies: ["BermoRuntime"],
            path: "Sources/BermoBench",
            swiftSettings: runtimeSettings
        ),
        // SentEval probing (Conneau et al. 2018): dataset, feature cache, SentEval's classifier, BERMo mix probe.
        .target(
            name: "SentEvalPlugin",
            dependencies: ["BermoRuntime", "BermoHarness"],
            path: "Plugins/SentEval",
            swiftSettings: runtimeSettings
        ),
        // The evaluation harness: suite files, plugin protocols, job runner, results, reports and the
        // regression gate. Knows no concrete plugin; plugins depend on it, never the other way round.
        .target(
            name: "BermoHarness",
            dependencies: ["BermoRuntime", "BermoBench", "CYAML"],
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
        // models, sparse inference kernels and their benchmarks (`bermo bench sparse`, `prune`).
        .target(
            name: "PruningPlugin",
            dependencies: ["BermoRuntime", "BermoBench", "BermoHarness", "GLUEPlugin"],
            path: "Plugins/Pruning",
            exclude: ["README.md"],
            swiftSettings: runtimeSettings
        ),
        // The one file that registers the plugins (and through them their reports and datasets).
        .target(
            name: "BermoPlugins",
            dependencies: ["BermoHarness", "SentEvalPlugin", "GLUEPlugin", "PruningPlugin"],
            path: "Sources/BermoPlugins"
        ),
        .executableTarget(
            name: "bermo",
            dependencies: [
                "BermoRuntime",
                "BermoBench",
                "BermoHarness",
                "BermoPlugins",
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
            dependencies: ["PruningPlugin", "GLUEPlugin", "BermoRuntime", "BermoHarness", "BermoTestSupport"],
            path: "Tests/PruningPluginTests"
        ),
        // Runs the built `bermo` executable end to end.
        .testTarget(
            name: "CLITests",
            dependencies: ["BermoRuntime", "BermoTestSupport"],
            path: "Tests/CLITests"
        ),
        // What every registered plugin and command owes: golden outputs that force a version bump when
        // results change, a located error for every setting and option out of range, and the one-file plugin.
        .testTarget(
            name: "PluginContractTests",
            dependencies: ["BermoPlugins", "BermoHarness", "BermoRuntime", "BermoTestSupport"],
            path: "Tests/PluginContractTests"
        ),
        .testTarget(
            name: "SentEvalPluginTests",
            dependencies: ["SentEvalPlugin", "BermoRuntime", "BermoTestSupport"],
            path: "Tests/SentEvalPluginTests"
        ),
        .testTarget(
            name: "BermoHarnessTests",
            dependencies: ["BermoHarness", "BermoRuntime"],
            path: "Tests/BermoHarnessTests"
        ),
    ]
)
