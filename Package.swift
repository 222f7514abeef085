// swift-tools-version:6.0
// bermo: a Swift evaluation harness and CPU training runtime for BERMo.
// Dependencies flow one way: BermoKernels <- BermoRuntime <- BermoBench <- BermoHarness <- Plugins <- BermoPlugins
// <- bermo (CLI); a plugin's own kernels (PruningKernels, SentEvalKernels) depend on BermoKernels only.
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
/// Language mode: every target builds in Swift 6 mode (the tools version's default). The kernels' workers
/// share raw pointers, which are not `Sendable`; `Compute.parallel` is the one place that vouches for the
/// kernels' disjoint writes.
#if arch(x86_64)
let cpuFlags = ["-target-cpu", "haswell"]
#else
let cpuFlags: [String] = []
#endif
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"] + cpuFlags, .when(configuration: .release))]

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
        // The model runtime: checkpoints, tokenizer, the model's forward/backward op by op, training, settings.
        // Knows nothing of the harness.
        .target(
            name: "BermoRuntime",
            dependencies: ["BermoKernels", "COpenBLAS", "COpenSSL"],
            path: "Sources/BermoRuntime"
        ),
        // Speed benchmarks: the one timer, the SST-2 reader, the JSON-line records, the `Benchmark` protocol
        // and the runtime's own benchmarks (encode, train, kernels).
        .target(
            name: "BermoBench",
            dependencies: ["BermoRuntime"],
            path: "Sources/BermoBench"
        ),
        // SentEval probing (Conneau et al. 2018): dataset, feature cache, SentEval's classifier, BERMo mix probe.
        .target(
            name: "SentEvalPlugin",
            dependencies: ["BermoRuntime", "BermoHarness", "SentEvalKernels"],
            path: "Plugins/SentEval",
            exclude: ["Kernels"],
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
            dependencies: ["BermoRuntime", "BermoBench", "CYAML"],
            path: "Sources/BermoHarness"
        ),
        // GLUE (Wang et al. 2019): task catalogue, GLUE metrics, fine-tuning curves, convergence analysis,
        // verified downloads. Plain engine types; the harness's TaskPlugin conformance calls them.
        .target(
            name: "GLUEPlugin",
            dependencies: ["BermoRuntime", "BermoHarness"],
            path: "Plugins/GLUE",
        ),
        // Pruning schedules (magnitude, movement, soft movement, L0) as a `TrainingHook`, export of pruned
        // models and sparse inference kernels.
        .target(
            name: "PruningPlugin",
            dependencies: ["BermoRuntime", "BermoBench", "BermoHarness", "GLUEPlugin", "PruningKernels"],
            path: "Plugins/Pruning",
            exclude: ["README.md", "Kernels"],
        ),
        // Pruning's kernels: the sparse projection, top-k selection, the scores' AdamW, the mask math.
        .target(
            name: "PruningKernels",
            dependencies: ["BermoKernels"],
            path: "Plugins/Pruning/Kernels",
            swiftSettings: kernelSettings
        ),
        // The one file that registers the plugins (and through them their reports, datasets and benchmarks).
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
        // Seeded, time-bounded fuzzing of every untrusted input through the real command (`make fuzz`: longer).
        .testTarget(
            name: "FuzzTests",
            dependencies: ["BermoRuntime", "BermoTestSupport"],
            path: "Tests/FuzzTests",
            exclude: ["Regressions"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["BermoHarness", "BermoRuntime", "BermoTestSupport"],
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
            dependencies: ["SentEvalPlugin", "SentEvalKernels", "BermoRuntime", "BermoTestSupport"],
            path: "Tests/SentEvalPluginTests"
        ),
        // A one-node Slurm cluster on this machine (scripts/slurm/local-cluster.sh) running `bermo submit slurm`
        // end to end: results identical to a local run, also after a cancelled task and a killed worker.
        .testTarget(
            name: "ClusterTests",
            dependencies: ["BermoTestSupport"],
            path: "Tests/ClusterTests"
        ),
        // The HTML report of a real small run in a real headless Chromium (scripts/browser/chromium.sh): no console
        // error, no request, every plot drawn, a screenshot that is not blank, the numbers of results.json in the DOM.
        .testTarget(
            name: "BrowserTests",
            dependencies: ["BermoTestSupport"],
            path: "Tests/BrowserTests"
        ),
        .testTarget(
            name: "BermoHarnessTests",
            dependencies: ["BermoHarness", "BermoRuntime"],
            path: "Tests/BermoHarnessTests"
        ),
    ]
)
