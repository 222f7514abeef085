@testable import BermoHarness
import Foundation
import Testing

/// A `jobs/` folder to place lease files in, with their mtimes set relative to this host's clock.
struct LeaseFixture {
    let dir: URL
    let layout: OutputLayout
    let console = RecordingConsole()
    let host = LeaseHolder.host

    init() throws {
        dir = try TestSupport.temporaryDirectory()
        layout = OutputLayout(dir)
        try FileManager.default.createDirectory(at: layout.jobs, withIntermediateDirectories: true)
    }

    /// Another run's `jobs/` below `dir`.
    init(dir: URL, layout: OutputLayout) { self.dir = dir; self.layout = layout }

    func cleanup() { try? FileManager.default.removeItem(at: dir) }

    /// `clockOffset`: the file server's clock runs this many seconds ahead of this host's.
    func leases(timeout: Double = 300, heartbeat: Double? = nil, clockOffset: Double = 0) -> JobLeases {
        let console = self.console
        return JobLeases(layout, timeout: timeout, heartbeat: heartbeat, clockOffset: clockOffset, log: { console.log($0) })
    }

    func file(_ name: String) -> URL { layout.jobs.appendingPathComponent(name) }

    /// Writes `content` to `jobs/<name>`, last modified `age` seconds ago by this host's clock (negative: in the future).
    @discardableResult
    func place(_ content: String, as name: String, age: Double, mode: mode_t = 0o644) throws -> URL {
        let url = file(name)
        try? FileManager.default.removeItem(at: url)
        try Data(content.utf8).write(to: url)
        setAge(url, age)
        chmod(url.path, mode)
        return url
    }

    func setAge(_ url: URL, _ age: Double) {
        let t = Date().timeIntervalSince1970 - age
        let mtime = timespec(tv_sec: Int(t.rounded(.down)), tv_nsec: Int((t - t.rounded(.down)) * 1e9))
        let status = utimensat(AT_FDCWD, url.path, [mtime, mtime], 0)
        #expect(status == 0, "utimensat \(url.path): errno \(errno)")
    }

    /// Seconds since `url` was last modified, by this host's clock.
    func age(_ url: URL) throws -> Double {
        let date = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
        return Date().timeIntervalSince(date)
    }

    /// A lease as another process would write it.
    func lease(host: String = "node-7", pid: Int32 = 4242, attempt: Int = 1, job: String = "a") throws -> String {
        var holder = LeaseHolder.current(job: job, attempt: attempt,
                                         environment: ["SLURM_JOB_ID": "78", "SLURM_ARRAY_JOB_ID": "77", "SLURM_ARRAY_TASK_ID": "3"])
        holder.host = host; holder.pid = pid
        return String(decoding: try HarnessJSON.encoder(snakeCase: true).encode(holder), as: UTF8.self)
    }

    func holder(_ id: String) -> LeaseHolder? { FileManager.default.contents(atPath: file("\(id).lease").path).flatMap(LeaseHolder.parse) }

    /// Hidden files left in `jobs/` (temporary and stale copies), the clock probe aside.
    var leftovers: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: layout.jobs.path)) ?? []).filter { $0.hasPrefix(".") && !$0.hasPrefix(".clock-") }
    }

    /// The pid of a process that has exited (so no live process has it, barring reuse within the test).
    static func deadPid() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }
}

extension JobLeases.Acquisition {
    var lease: JobLease? { if case .acquired(let lease) = self { lease } else { nil } }
    var holder: String? { if case .heldBy(let holder) = self { holder } else { nil } }
}

@Suite struct JobLeaseTests {
    @Test func aLeaseIsExclusiveUntilReleased() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let a = f.leases(), b = f.leases()
        let lease = try #require(try a.acquire("a").lease)
        let written = try #require(f.holder("a"))
        #expect(written == lease.holder)
        #expect(written.host == f.host && written.pid == getpid() && written.attempt == 1 && written.job == "a" && written.token.count >= 16)
        // Another holder in this very process still has to wait: only the token is ours.
        let held = try #require(try b.acquire("a").holder)
        #expect(held.hasPrefix("host \(f.host) pid \(getpid())") && held.hasSuffix("renewed 0 s ago"), "\(held)")
        #expect(f.leftovers.isEmpty, "\(f.leftovers)")
        #expect(FileManager.default.fileExists(atPath: f.file(".clock-\(f.host)-\(getpid())").path))

        lease.release(); lease.release()
        #expect(!FileManager.default.fileExists(atPath: f.file("a.lease").path))
        let again = try #require(try b.acquire("a").lease)
        #expect(again.holder.token != lease.holder.token)
        again.release()
        #expect(f.console.lines.isEmpty && f.leftovers.isEmpty)

        // The holder's Slurm ids, when there are any, name it.
        #expect(LeaseHolder.current(job: "a", attempt: 1, environment: ["SLURM_JOB_ID": "78", "SLURM_ARRAY_JOB_ID": "77", "SLURM_ARRAY_TASK_ID": "3"])
            .description == "host \(f.host) pid \(getpid()) (Slurm job 77_3)")
        #expect(LeaseHolder.current(job: "a", attempt: 1, environment: ["SLURM_JOB_ID": "78"]).description.hasSuffix("(Slurm job 78)"))
        #expect(LeaseHolder.current(job: "a", attempt: 1, environment: [:]).description == "host \(f.host) pid \(getpid())")
    }

    @Test func aLeaseIsTakenOverOnlyOnceSilentForTheTimeout() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let leases = f.leases()
        try f.place(try f.lease(attempt: 2), as: "a.lease", age: 200)
        #expect(try leases.acquire("a").holder == "host node-7 pid 4242 (Slurm job 77_3), renewed 200 s ago")
        #expect(f.console.lines.isEmpty)

        f.setAge(f.file("a.lease"), 412)
        let lease = try #require(try leases.acquire("a", name: "alpha · bert · seed 1").lease)
        defer { lease.release() }
        #expect(f.console.lines == ["alpha · bert · seed 1: took over the lease of host node-7 pid 4242 (Slurm job 77_3) (silent for 412 s)"])
        #expect(f.holder("a") == lease.holder && lease.holder.attempt == 3)
        #expect(f.leftovers.isEmpty, "\(f.leftovers)")
    }

    enum Content: String, CaseIterable, Sendable {
        case empty, garbage, unreadable, oldClaim, oldClaimOfAnotherHost, otherHost, liveUnrelatedProcess
    }

    /// Whatever a lease file holds, its mtime decides: fresh, it is honoured; silent past the timeout, it is taken.
    @Test(arguments: Content.allCases)
    func onlyTheMtimeDecides(_ content: Content) throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let leases = f.leases()
        func place(age: Double) throws {
            switch content {
            case .empty: try f.place("", as: "a.lease", age: age)
            case .garbage: try f.place("\u{0}\u{1}{\"host\": 3, garbage", as: "a.lease", age: age)
            case .unreadable: try f.place(try f.lease(), as: "a.lease", age: age, mode: 0)
            // bermo 0.1's claims, naming pid 1 (alive, and unrelated since the claim is old).
            case .oldClaim: try f.place("\(f.host) 1 2026-01-01T00:00:00Z\n", as: "a.claim", age: age)
            case .oldClaimOfAnotherHost: try f.place("node-7 \(try LeaseFixture.deadPid()) 2026-01-01T00:00:00Z\n", as: "a.claim", age: age)
            case .otherHost: try f.place(try f.lease(pid: try LeaseFixture.deadPid()), as: "a.lease", age: age)
            case .liveUnrelatedProcess: try f.place(try f.lease(host: f.host, pid: 1), as: "a.lease", age: age)
            }
        }
        try place(age: 5)
        let held = try #require(try leases.acquire("a").holder, "a fresh \(content) lease was taken")
        #expect(held.hasSuffix("5 s ago") || held.hasSuffix("5 s old"), "\(held)")

        try place(age: 400)
        let lease = try #require(try leases.acquire("a").lease, "a \(content) lease silent for 400 s was not taken")
        defer { lease.release() }
        #expect(f.console.lines.count == 1 && f.console.lines[0].hasPrefix("a: took over the "), "\(f.console.lines)")
        #expect(f.console.lines[0].hasSuffix("(silent for 400 s)"), "\(f.console.lines)")
        #expect(f.holder("a") == lease.holder)
        #expect(!FileManager.default.fileExists(atPath: f.file("a.claim").path))
        #expect(f.leftovers.isEmpty, "\(f.leftovers)")
    }

    @Test func aDeadProcessOfThisHostIsStaleAtOnce() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let leases = f.leases()
        let dead = try LeaseFixture.deadPid()
        try f.place(try f.lease(host: f.host, pid: dead), as: "a.lease", age: 0)
        let lease = try #require(try leases.acquire("a").lease)
        lease.release()
        #expect(f.console.lines == ["a: took over the lease of host \(f.host) pid \(dead) (Slurm job 77_3) (process gone, silent for 0 s)"])
        // bermo 0.1's claim of a dead process too.
        try f.place("\(f.host) \(dead) 2026-01-01T00:00:00Z\n", as: "b.claim", age: 0)
        try #require(try leases.acquire("b").lease).release()
        #expect(f.console.lines.last == "b: took over the bermo 0.1 claim of host \(f.host) pid \(dead) (process gone, silent for 0 s)")
        // Another host's process cannot be checked from here: only its silence counts.
        try f.place(try f.lease(pid: dead), as: "c.lease", age: 0)
        #expect(try leases.acquire("c").holder != nil)
    }

    /// Staleness is judged against the filesystem's clock (the probe file's mtime), so this host's clock may
    /// disagree with the file server's without a lease being taken early or kept forever.
    @Test func clockSkewDoesNotMatter() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let timeout = 10.0
        // Server and host agree: a lease a few seconds in the future is fresh, one a few seconds old too.
        let agree = f.leases(timeout: timeout)
        for (id, age) in [("future", -4.0), ("recent", 4.0)] {
            try f.place(try f.lease(), as: "\(id).lease", age: age)
            #expect(try agree.acquire(id).holder != nil, "\(id)")
        }
        try f.place(try f.lease(), as: "old.lease", age: 14)
        try #require(try agree.acquire("old").lease).release()

        // The server runs 20 s ahead: its leases are stamped 20 s in this host's future.
        let ahead = f.leases(timeout: timeout, clockOffset: 20)
        try f.place(try f.lease(), as: "ahead-fresh.lease", age: -20 + 4)  // renewed 4 s ago by the server's clock
        #expect(try ahead.acquire("ahead-fresh").holder?.hasSuffix("renewed 4 s ago") == true)
        try f.place(try f.lease(), as: "ahead-stale.lease", age: 4)        // 4 s ago here, 24 s ago for the server
        try #require(try ahead.acquire("ahead-stale").lease).release()

        // The server runs 20 s behind: a lease renewed 4 s ago by its clock looks 24 s old here.
        let behind = f.leases(timeout: timeout, clockOffset: -20)
        try f.place(try f.lease(), as: "behind.lease", age: 24)
        #expect(try behind.acquire("behind").holder?.hasSuffix("renewed 4 s ago") == true)
    }

    @Test func theHeartbeatRenewsTheLeaseAndNoticesItsLoss() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let leases = f.leases(heartbeat: 0.05)
        let lease = try #require(try leases.acquire("a").lease)
        let file = f.file("a.lease")
        f.setAge(file, 1000)
        let deadline = Date().addingTimeInterval(5)
        while try f.age(file) > 100 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(try f.age(file) < 100, "the heartbeat did not renew the lease")
        #expect(lease.confirm() && !lease.isLost)

        // Taken over while this process was stopped: another token in the file.
        let other = try f.place(try f.lease(host: "node-9", pid: 99), as: ".replacement", age: 0)
        rename(other.path, file.path)
        while !lease.isLost && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(lease.lostReason == "taken over by host node-9 pid 99 (Slurm job 77_3)")
        #expect(!lease.confirm())
        #expect(f.console.lines.count == 1 && f.console.lines[0].hasPrefix("a: lost its lease: taken over by host node-9"), "\(f.console.lines)")
        lease.release()
        #expect(f.holder("a")?.host == "node-9", "the successor's lease was removed")

        // A lease file that disappears (no heartbeat in this test: confirm checks at once).
        let quiet = f.leases(heartbeat: 1000)
        let gone = try #require(try quiet.acquire("b").lease)
        unlink(f.file("b.lease").path)
        #expect(!gone.confirm() && gone.lostReason == "its file is gone")
        gone.release()
    }

    /// A holder stopped past the timeout is taken over by another process; it finds out when it checks.
    @Test func aStoppedHolderIsTakenOverAndFindsOut() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let first = try #require(try f.leases(heartbeat: 1000).acquire("a").lease)
        f.setAge(f.file("a.lease"), 400)
        let successor = try #require(try f.leases().acquire("a").lease)
        #expect(f.console.lines.first == "a: took over the lease of host \(f.host) pid \(getpid()) (silent for 400 s)")
        #expect(!first.confirm() && first.lostReason?.hasPrefix("taken over by host \(f.host)") == true)
        first.release()
        #expect(f.holder("a") == successor.holder)
        #expect(successor.confirm())
        successor.release()
        #expect(!FileManager.default.fileExists(atPath: f.file("a.lease").path) && f.leftovers.isEmpty)
    }

    @Test func aJobLeasedElsewhereIsLeftToItsHolderAndCollectedLater() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let options = TestSupport.options(output: f.dir)
        let layout = OutputLayout(options.outputDirectory!)
        let lease = LeaseFixture(dir: f.dir, layout: layout)
        // Learn the job ids, then pretend a live process on another host runs the fifth and a silent one held the sixth.
        let ids = try TestSupport.run("good/echo.yaml", plugin: EchoPlugin(), options: options).ran
        try FileManager.default.removeItem(at: layout.jobs)
        try FileManager.default.createDirectory(at: layout.jobs, withIntermediateDirectories: true)
        try lease.place(try lease.lease(), as: "\(ids[4]).lease", age: 30)
        try lease.place(try lease.lease(host: "node-8"), as: "\(ids[5]).lease", age: 3600)

        let plugin = EchoPlugin(), console = RecordingConsole()
        let first = try SuiteRunner(registry: TestSupport.registry(plugin), options: options, console: console)
            .run(suitePath: TestSupport.suite("good/echo.yaml"))
        #expect(plugin.counter.count == 11 && !plugin.counter.jobs.contains(ids[4]) && plugin.counter.jobs.contains(ids[5]))
        #expect(first.results.jobs.count == 11 && first.failures.isEmpty)
        #expect(first.notes.contains { $0.contains("1 job(s) are still being run by another process") })
        #expect(console.lines.contains { $0.contains("being run by another process (host node-7 pid 4242 (Slurm job 77_3), renewed 30 s ago)") })
        #expect(console.lines.contains { $0.contains(": took over the lease of host node-8 pid 4242 (Slurm job 77_3) (silent for 3600 s)") })

        // The holder finishes (its record appears, its lease goes): the next run collects it without running it.
        var record = try #require(JobStore(layout).record(ids[3]))  // any valid record, under the leased job's id
        record.id = ids[4]
        try JobStore(layout).write(record)
        try FileManager.default.removeItem(at: lease.file("\(ids[4]).lease"))
        let again = EchoPlugin()
        let second = try TestSupport.run("good/echo.yaml", plugin: again, options: options)
        #expect(again.counter.count == 0 && second.results.jobs.count == 12 && second.notes.isEmpty)
        let left = try FileManager.default.contentsOfDirectory(atPath: layout.jobs.path)
        #expect(left.filter { !$0.hasSuffix(".json") }.isEmpty, "\(left)")
    }

    /// A job whose lease was taken over while it ran is not recorded by this process.
    @Test func aRunnerThatLostItsLeaseDoesNotRecordTheJob() throws {
        let f = try LeaseFixture()
        defer { f.cleanup() }
        let path = try TestSupport.write("""
            suite: lost
            model: minilm-l6
            variants: [bert]
            tasks:
              - {task: a, plugin: echo.task, sleep: 0.5}
            """, to: f.dir)
        let options = TestSupport.options(output: f.dir)
        let layout = OutputLayout(options.outputDirectory!)
        let thief = LeaseFixture(dir: f.dir, layout: layout)
        // While the job runs, another process takes its lease over.
        let stolen = Thread {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.jobs.path)) ?? []
                if let name = names.first(where: { $0.hasSuffix(".lease") && !$0.hasPrefix(".") }),
                   let other = try? thief.place(try thief.lease(host: "node-9", pid: 99), as: ".thief", age: 0) {
                    rename(other.path, layout.jobs.appendingPathComponent(name).path)
                    return
                }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        stolen.start()
        let plugin = EchoPlugin(), console = RecordingConsole()
        let summary = try SuiteRunner(registry: TestSupport.registry(plugin), options: options, console: console).run(suitePath: path)
        #expect(plugin.counter.count == 1 && summary.ran.isEmpty && summary.records.isEmpty)
        #expect(JobStore(layout).allRecords().isEmpty)
        #expect(console.lines.contains { $0.contains("[1/1] a · bert · seed 0: lost its lease (taken over by host node-9 pid 99 (Slurm job 77_3)); its result is dropped") },
                "\(console.lines)")
        #expect(summary.notes.contains { $0.contains("1 job(s) are still being run by another process") })
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
        #expect(left.filter { !$0.hasSuffix(".json") }.isEmpty, "\(left)")
    }
}
