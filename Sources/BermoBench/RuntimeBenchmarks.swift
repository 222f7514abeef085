/// The benchmarks of the runtime itself; plugins add theirs (`TaskPlugin.benchmarks`) and the registry
/// lists both, so `bermo bench` finds every one the same way.
public enum RuntimeBenchmarks {
    public static var all: [any Benchmark] { [EncodeBenchmark(), TrainBenchmark(), KernelsBenchmark()] }
}
