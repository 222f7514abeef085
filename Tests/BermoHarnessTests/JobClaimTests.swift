import BermoHarness
import Foundation
import Testing

@Suite struct JobClaimTests {
    let host = ProcessInfo.processInfo.hostName

    /// The pid of a process that has exited (so no live process has it, barring reuse within the test).
    func deadPid() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    @Test func aClaimIsExclusiveUntilReleasedAndAStaleOneIsTakenOver() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let claims = JobClaims(OutputLayout(dir))
        let exists = { (id: String) in FileManager.default.fileExists(atPath: claims.claimFile(id).path) }

        #expect(try claims.claim("a") == .acquired)
        let text = try String(contentsOf: claims.claimFile("a"), encoding: .utf8)
        #expect(text.hasPrefix("\(host) \(getpid()) "))
        // Held by a live process (this one) until released.
        #expect(try claims.claim("a") == .heldBy(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        claims.release("a")
        #expect(!exists("a"))

        // Another live process's claim (pid 1 always exists) is honoured, and not released by us.
        try "\(host) 1 2026-01-01T00:00:00Z\n".write(to: claims.claimFile("b"), atomically: true, encoding: .utf8)
        guard case .heldBy(let holder) = try claims.claim("b") else { Issue.record("pid 1's claim was taken"); return }
        #expect(holder.contains(" 1 "))
        claims.release("b")
        #expect(exists("b"))

        // A claim from another host cannot be checked, so it is honoured.
        try "some-other-host \(try deadPid()) 2026-01-01T00:00:00Z\n".write(to: claims.claimFile("c"), atomically: true, encoding: .utf8)
        #expect(try claims.claim("c") != .acquired)

        // A dead process's claim on this host is stale: taken over.
        try "\(host) \(try deadPid()) 2026-01-01T00:00:00Z\n".write(to: claims.claimFile("d"), atomically: true, encoding: .utf8)
        #expect(try claims.claim("d") == .acquired)
        #expect(try String(contentsOf: claims.claimFile("d"), encoding: .utf8).hasPrefix("\(host) \(getpid()) "))
    }

    @Test func aJobClaimedElsewhereIsLeftToItsHolderAndCollectedLater() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = TestSupport.options(output: dir)
        let layout = OutputLayout(options.outputDirectory!)
        // Learn the job ids, then pretend a live process (pid 1) is running the fifth.
        let ids = try TestSupport.run("good/echo.yaml", plugin: EchoPlugin(), options: options).ran
        try FileManager.default.removeItem(at: layout.jobs)
        let claims = JobClaims(layout)
        try FileManager.default.createDirectory(at: layout.jobs, withIntermediateDirectories: true)
        try "\(host) 1 2026-01-01T00:00:00Z\n".write(to: claims.claimFile(ids[4]), atomically: true, encoding: .utf8)

        let plugin = EchoPlugin()
        let first = try TestSupport.run("good/echo.yaml", plugin: plugin, options: options)
        #expect(plugin.counter.count == 11 && !plugin.counter.jobs.contains(ids[4]))
        #expect(first.results.jobs.count == 11 && first.failures.isEmpty)
        #expect(first.notes.contains { $0.contains("1 job(s) are still being run by another process") })

        // The holder finishes (its record appears, its claim goes): the next run collects it without running it.
        var record = try #require(JobStore(layout).record(ids[3]))  // any valid record, under the claimed job's id
        record.id = ids[4]
        try JobStore(layout).write(record)
        try FileManager.default.removeItem(at: claims.claimFile(ids[4]))
        let again = EchoPlugin()
        let second = try TestSupport.run("good/echo.yaml", plugin: again, options: options)
        #expect(again.counter.count == 0 && second.results.jobs.count == 12 && second.notes.isEmpty)
    }

    @Test func twoRunnersOnOneDirectoryRunEachJobOnce() async throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("""
            suite: shared
            model: minilm-l6
            variants: [bert, bermo]
            seeds: [1, 2, 3]
            tasks:
              - {task: a, plugin: echo.task, sleep: 0.02}
              - {task: b, plugin: echo.task, sleep: 0.02}
            """, to: dir)
        let options = TestSupport.options(output: dir.appendingPathComponent("out"))
        let a = EchoPlugin(), b = EchoPlugin()
        async let runA = Task.detached { try SuiteRunner(registry: TestSupport.registry(a), options: options, console: RecordingConsole()).run(suitePath: path) }.value
        async let runB = Task.detached { try SuiteRunner(registry: TestSupport.registry(b), options: options, console: RecordingConsole()).run(suitePath: path) }.value
        let (sa, sb) = try await (runA, runB)
        #expect(Set(a.counter.jobs).isDisjoint(with: Set(b.counter.jobs)))
        #expect(a.counter.count + b.counter.count == 12)
        #expect(Set(sa.ran).union(sb.ran).count == 12)
        // Whichever finished last saw every record.
        #expect(max(sa.results.jobs.count, sb.results.jobs.count) == 12)
        let left = try FileManager.default.contentsOfDirectory(atPath: OutputLayout(options.outputDirectory!).jobs.path)
        #expect(left.filter { $0.hasSuffix(".claim") }.isEmpty)
    }
}
