import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// One kind of untrusted file and the real command that reads it. Every case writes a mutated input as
/// `dir/<fileName>` (beside whatever else `prepare` put in `dir`) and runs the command in a subprocess, since
/// the failures looked for (a crash, a hang) would take the test process with them.
struct FuzzTarget: Sendable {
    let name: String
    /// The mutated file's name; an error about it must name it.
    let fileName: String
    /// Valid inputs, each run unmodified first: they must succeed, which shows the command really reads the file.
    let seeds: [[UInt8]]
    var dictionary: [String] = []
    var structure = Mutator.Structure.bytes
    /// Bytes kept after the mutated part, unmutated (a safetensors payload behind its mutated header).
    var tail: [UInt8] = []
    /// Puts the case's other files into `dir` (before the mutated file is written).
    var prepare: @Sendable (_ dir: URL) throws -> Void = { _ in }
    /// Runs the command on `dir/<fileName>`.
    let run: @Sendable (_ dir: URL, _ timeout: Double) throws -> CLI.Result
    /// Exit codes other than 0 that are answers, not failures; an error must name the file for those in `named`.
    var failures: Set<Int32> = [1, 2]
    var named: Set<Int32> = [1, 2]
    /// What a success must also satisfy (every output line is JSON, ...): nil, or what is wrong.
    var checkSuccess: @Sendable (_ dir: URL, _ result: CLI.Result) -> String? = { _, _ in nil }
}

/// Runs a target's cases for a time budget: `BERMO_FUZZ_SECONDS` per target (default 8: what CI runs),
/// seed `BERMO_FUZZ_SEED` (default 1, so CI's cases are the same every time; `make fuzz` draws one and prints
/// it). First it replays every saved regression input of the target (`Tests/FuzzTests/Regressions/<target>/`).
/// With `BERMO_FUZZ_SAVE=1` (`make fuzz`) a failing input is saved there, to be replayed by every later run.
enum Fuzzer {
    static let environment = ProcessInfo.processInfo.environment
    static let seconds = Double(environment["BERMO_FUZZ_SECONDS"] ?? "") ?? 8
    static let seed = UInt64(environment["BERMO_FUZZ_SEED"] ?? "") ?? 1
    static let save = environment["BERMO_FUZZ_SAVE"] == "1"
    /// Seconds one case may take before it counts as a hang (a debug build; the slowest case, a fine-tuning
    /// step of the tiny model, takes about one).
    static let caseTimeout = 60.0
    static let regressions = CLI.packageRoot.appendingPathComponent("Tests/FuzzTests/Regressions")

    struct Report: CustomStringConvertible {
        var cases = 0, succeeded = 0, refused = 0, replayed = 0
        var problems: [String] = []
        var description: String {
            "\(cases) cases (seed \(Fuzzer.seed)): \(succeeded) succeeded, \(refused) refused with an error naming the file; "
                + "\(replayed) saved regression inputs replayed; \(problems.count) problems"
        }
    }

    static func run(_ target: FuzzTarget) throws -> Report {
        let work = try TemporaryDirectory("fuzz-\(target.name)"); defer { work.cleanup() }
        var report = Report()
        var caseNumber = 0
        func attempt(_ input: [UInt8], label: String, mustSucceed: Bool = false) throws {
            caseNumber += 1
            let dir = work.file("case-\(caseNumber)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try target.prepare(dir)
            try Data(input + target.tail).write(to: dir.appendingPathComponent(target.fileName))
            let result = try target.run(dir, caseTimeout)
            if let problem = verdict(result, target: target, dir: dir, mustSucceed: mustSucceed) {
                let saved = save ? try keep(input, target: target) : nil
                report.problems.append("\(label): \(problem)" + (saved.map { "; input saved as \($0.path)" } ?? "")
                    + "\n  stderr: \(result.stderr.prefix(500))")
            } else if result.status == 0 {
                report.succeeded += 1
            } else {
                report.refused += 1
            }
        }
        for seed in target.seeds { try attempt(seed, label: "seed input", mustSucceed: true) }
        let saved = ((try? FileManager.default.contentsOfDirectory(at: regressions.appendingPathComponent(target.name),
                                                                    includingPropertiesForKeys: nil)) ?? []).sorted { $0.path < $1.path }
        for file in saved {
            try attempt(Array(try Data(contentsOf: file)), label: "regression \(file.lastPathComponent)")
            report.replayed += 1
        }
        let mutator = Mutator(dictionary: target.dictionary, structure: target.structure)
        let deadline = Date().addingTimeInterval(seconds)
        var i = 0
        while Date() < deadline {
            let input = mutator.mutate(target.seeds[i % target.seeds.count], splice: target.seeds[(i + 1) % target.seeds.count],
                                       seed: seed, index: i)
            try attempt(input, label: "case \(i) of seed \(seed)")
            report.cases += 1
            i += 1
        }
        return report
    }

    /// Nil when the command answered properly: it exited (no signal) in time, with 0 and a sound output, or
    /// with an expected code and a message naming the file; no raw Foundation error or Swift trap text.
    static func verdict(_ r: CLI.Result, target: FuzzTarget, dir: URL, mustSucceed: Bool) -> String? {
        if r.timedOut { return "hung: killed after \(Int(caseTimeout)) s" }
        if !r.exited { return "crashed: killed by signal \(r.status)" }
        for raw in ["Fatal error", "Error Domain=", "NSCocoaErrorDomain", "Stack dump", "Swift runtime failure"] where r.stderr.contains(raw) {
            return "its message shows `\(raw)`"
        }
        if r.status == 0 { return target.checkSuccess(dir, r) }
        if mustSucceed { return "a valid input failed (exit \(r.status))" }
        guard target.failures.contains(r.status) else { return "exit \(r.status)" }
        if target.named.contains(r.status) && !r.stderr.contains(target.fileName) { return "exit \(r.status) with an error that does not name \(target.fileName)" }
        return nil
    }

    /// Saves a failing input under its content hash.
    static func keep(_ input: [UInt8], target: FuzzTarget) throws -> URL {
        let dir = regressions.appendingPathComponent(target.name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(String(try Digest.sha256(Data(input)).prefix(16)) + "-" + target.fileName)
        try Data(input).write(to: url)
        return url
    }
}
