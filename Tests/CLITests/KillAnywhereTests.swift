import BermoTestSupport
import Foundation
import Testing

/// Fault injection: `bermo run` killed with SIGKILL at seeded random moments, started again on the same output
/// directory each time, until a run finishes. Whatever the moments, the suite ends complete and identical to an
/// uninterrupted run, and nothing temporary is left. `BERMO_KILLS` (default 4) kills per test, at moments drawn
/// from a printed seed (`BERMO_KILL_SEED` repeats one);
/// `BERMO_KILLS=40 swift test --filter KillAnywhere` is the longer run whose figures the README gives.
@Suite("kill -9 at any moment of a suite")
struct KillAnywhereTests {
    static let kills = Int(ProcessInfo.processInfo.environment["BERMO_KILLS"] ?? "") ?? 4

    /// An empty cache (no features) that still has the downloaded model: `models` links to the real cache's.
    func freshCache(_ dir: TemporaryDirectory, _ name: String) throws -> URL {
        let cache = dir.file(name)
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let real = ProcessInfo.processInfo.environment["BERMO_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/bermo")
        try FileManager.default.createSymbolicLink(at: cache.appendingPathComponent("models"), withDestinationURL: real.appendingPathComponent("models"))
        return cache
    }

    @Test("a suite killed with SIGKILL at random moments and restarted ends identical to an uninterrupted run")
    func killedAndRestartedRunsEndIdentical() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        // Probing (feature cache) and fine-tuning with checkpoints at every evaluation: every kind of file a run writes.
        let suite = try SmallSuite.write(in: dir.url, long: true)
        let reference = dir.file("reference")
        let start = Date()
        let whole = try CLI.run(["run", suite.path, "--output-dir", reference.path, "--threads", "1"],
                                environment: ["BERMO_CACHE": try freshCache(dir, "cache-reference").path])
        try #require(whole.status == 0, "uninterrupted run failed: \(whole.stderr)")
        let duration = Date().timeIntervalSince(start)

        let seed = UInt64(ProcessInfo.processInfo.environment["BERMO_KILL_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64(UInt32.max))
        // A restart may finish before its kill moment when this machine is less loaded than during the reference run;
        // when even the first kill missed, the series starts again on a fresh directory with moments half as late.
        var out = dir.file("killed-0"), cache = out
        var killed: [Double] = []
        var finished = false
        for attempt in 0..<4 {
            out = dir.file("killed-\(attempt)")
            cache = try freshCache(dir, "cache-killed-\(attempt)")
            var moments = SeededMoments(seed: seed &+ UInt64(attempt), duration: duration / Double(1 << attempt))
            killed = []
            finished = false
            for _ in 0..<(Self.kills + 20) {
                let moment = killed.count < Self.kills ? moments.next() : nil
                let r = try CLI.run(["run", suite.path, "--output-dir", out.path, "--threads", "1"],
                                    environment: ["BERMO_CACHE": cache.path], timeout: moment ?? 600)
                if r.timedOut, let moment { killed.append(moment); continue }
                try #require(r.exited && r.status == 0, "a restarted run failed (after kills at \(killed) s, seed \(seed)): exit \(r.status)\n\(r.stderr)")
                finished = true
                break
            }
            if !killed.isEmpty { break }
            print("kill -9: the run finished before its first kill moment (seed \(seed), attempt \(attempt)); again with earlier moments")
        }
        print("kill -9 at \(killed.map { String(format: "%.2f", $0) }) s of a \(String(format: "%.1f", duration)) s suite (seed \(seed)); then it finished")
        // A restart that finishes before its kill moment ends the series early; at least one kill must have landed.
        #expect(finished && !killed.isEmpty)
        #expect(try Outputs.differences(reference, out) == [], "after kills at \(killed) s (seed \(seed))")
        #expect(Outputs.leftovers(in: out) == [], "after kills at \(killed) s (seed \(seed))")
        #expect(Outputs.leftovers(in: cache) == [], "the feature cache after kills at \(killed) s (seed \(seed))")
    }
}

/// Kill moments from a printed seed: the k-th uniform in (0.05 s, 0.9 × duration / k), since each restart
/// resumes with less left to do than the one before.
struct SeededMoments {
    var state: UInt64
    let duration: Double
    var k = 0
    init(seed: UInt64, duration: Double) { state = seed; self.duration = duration }
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        k += 1
        return 0.05 + Double(state >> 11) / Double(1 << 53) * max(0.1, 0.9 * duration / Double(k) - 0.05)
    }
}
