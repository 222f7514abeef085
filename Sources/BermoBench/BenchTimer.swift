import Foundation

/// The one timer of every benchmark, so all of bermo's speed numbers mean the same thing: untimed warm-up
/// runs (first-touch page faults, lazily built tables, cold caches), then the median of the timed runs,
/// which one preempted run on a shared machine does not move the way it moves a mean.
public enum BenchTimer {
    /// Seconds per run of `body`: the median of `reps` timed runs after `warmup` untimed ones.
    /// A monotonic clock, so a wall-clock adjustment cannot make a run negative.
    public static func median(reps: Int, warmup: Int, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<max(0, warmup) { try body() }
        var times: [Double] = []
        for _ in 0..<max(1, reps) { times.append(try seconds(body)) }
        return median(of: times)
    }

    /// Seconds one run of `body` takes: for workloads that need untimed work between their runs (set-up,
    /// tear-down), which then reduce their runs with `median(of:)`.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median of timed runs (at least one).
    public static func median(of times: [Double]) -> Double { times.sorted()[times.count / 2] }
}
