@testable import BermoHarness
import BermoRuntime
import Foundation
import Testing

/// How a suite runs when its jobs are shared: failed attempts that are not retried forever, a stop request
/// that leaves no trace but the finished jobs, workers that leave results to a finalize step, and the
/// status of an output directory read from its files.
@Suite struct RunModeTests {
    @Test func aJobThatAlwaysFailsIsTriedMaxAttemptsTimesThenReportedWithoutRunning() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TestSupport.options(output: dir)
        options.maxAttempts = 2
        let failing = EchoPlugin(alwaysFail: true)
        let first = try TestSupport.run("good/echo.yaml", plugin: failing, options: options)
        #expect(failing.counter.count == 12 && first.failures.count == 12 && first.exitCode == 2)
        #expect(first.failures.allSatisfy { $0.attempts == 1 })
        let second = try TestSupport.run("good/echo.yaml", plugin: failing, options: options)
        #expect(failing.counter.count == 24 && second.failures.allSatisfy { $0.attempts == 2 })
        // The third run tries none of them: each failed twice, in whichever process.
        let third = try TestSupport.run("good/echo.yaml", plugin: failing, options: options)
        #expect(failing.counter.count == 24 && third.failures.count == 12 && third.exitCode == 2)
        #expect(third.results.failures.allSatisfy { $0.attempts == 2 && $0.error.contains("simulated crash") })
        // A working plugin (or more attempts) runs them again, and a success forgets the failures.
        options.maxAttempts = 3
        let fixed = try TestSupport.run("good/echo.yaml", options: options)
        #expect(fixed.exitCode == 0 && fixed.ran.count == 12)
        let layout = OutputLayout(options.outputDirectory!)
        #expect(fixed.ran.allSatisfy { JobFailures(layout).attempts($0) == nil })
    }

    @Test func aProcessTakesJobsOfTasksNobodyElseRunsFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prepared = try SuiteValidator(registry: TestSupport.registry(), dataDirectory: URL(fileURLWithPath: "/nonexistent"))
            .prepare(TestSupport.suite("good/echo.yaml"))
        let jobs = try JobPlanner(hashes: FileHashCache(file: nil)).plan(prepared).jobs
        let leases = JobLeases(OutputLayout(dir))
        // Alone: the plan's order.
        var alone = JobOrder(jobs, leases: leases)
        #expect(Array(sequence(state: (), next: { _ in alone.next() })) == Array(jobs.indices))
        // Another process runs an `alpha` job: every `beta` job comes before the other `alpha` jobs,
        // each group in plan order, and every job exactly once. (The running job itself keeps its place:
        // taking its lease then says who holds it.)
        let running = try #require(jobs.firstIndex { $0.task.id == "alpha" })
        guard case .acquired(let held) = try JobLeases(OutputLayout(dir)).acquire(jobs[running].id) else {
            Issue.record("lease not acquired"); return
        }
        var shared = JobOrder(jobs, leases: leases)
        let order = Array(sequence(state: (), next: { _ in shared.next() }))
        let beta = jobs.indices.filter { jobs[$0].task.id == "beta" }, alpha = jobs.indices.filter { jobs[$0].task.id == "alpha" }
        #expect(order == [running] + beta + alpha.filter { $0 != running }, "\(order.map { jobs[$0].name(withModel: false) })")
        held.release()
        // Once it is done, the plan's order again.
        var after = JobOrder(jobs, leases: leases)
        #expect(Array(sequence(state: (), next: { _ in after.next() })) == Array(jobs.indices))
    }

    @Test func aStopRequestEndsTheRunKeepingFinishedJobsAndWritingNothingElse() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = TestSupport.options(output: dir)
        let stopping = EchoPlugin(interruptOnCall: 3)
        let stopped = try TestSupport.run("good/echo.yaml", plugin: stopping, options: options)
        #expect(stopped.interrupted?.signal == SIGTERM && stopped.exitCode == 128 + SIGTERM)
        #expect(stopping.counter.count == 3 && stopped.ran.count == 2 && stopped.failures.isEmpty)
        let layout = OutputLayout(options.outputDirectory!)
        // Two records, no failure file, no claim left, and no results or reports from a partial run.
        let files = try FileManager.default.contentsOfDirectory(atPath: layout.jobs.path).sorted()
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".json") && !$0.hasSuffix(".failed.json") })
        #expect(!FileManager.default.fileExists(atPath: layout.results.path))
        // Running again finishes the other ten and matches an uninterrupted run.
        let resumed = try TestSupport.run("good/echo.yaml", options: options)
        #expect(resumed.exitCode == 0 && resumed.ran.count == 10 && resumed.reused.count == 2)
    }

    @Test func workersLeaveResultsToFinalizeWhichListsMissingJobs() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TestSupport.options(output: dir)
        let layout = OutputLayout(options.outputDirectory!)
        options.mode = .finalize
        // Finalizing before anything ran: every job is missing (exit 2), and the results say so.
        let early = try TestSupport.run("good/echo.yaml", options: options)
        #expect(early.missing.count == 12 && early.exitCode == 2 && early.ran.isEmpty)
        #expect(FileManager.default.fileExists(atPath: layout.plan.path))
        options.mode = .worker
        options.shard = try Shard(index: 1, count: 2)
        let worker = try TestSupport.run("good/echo.yaml", options: options)
        #expect(worker.ran.count == 6 && worker.exitCode == 0)
        options.shard = nil
        options.mode = .finalize
        let partial = try TestSupport.run("good/echo.yaml", options: options)
        #expect(partial.missing.count == 6 && partial.results.jobs.count == 6 && partial.exitCode == 2)
        options.mode = .worker
        _ = try TestSupport.run("good/echo.yaml", options: options)
        options.mode = .finalize
        let finalized = try TestSupport.run("good/echo.yaml", options: options)
        #expect(finalized.missing.isEmpty && finalized.results.jobs.count == 12 && finalized.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: layout.summary.path))
    }

    @Test func statusReadsDoneRunningFailedAndPendingFromTheFiles() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TestSupport.options(output: dir)
        options.mode = .worker
        options.maxAttempts = 1
        // Call 1 fails (one attempt: failed), calls 2 and 3 finish, call 4 stops the worker.
        let plugin = EchoPlugin(failOnCall: 1, interruptOnCall: 4)
        _ = try TestSupport.run("good/echo.yaml", plugin: plugin, options: options)
        let layout = OutputLayout(options.outputDirectory!)
        let plan = try PlanDocument.read(layout.plan)
        // Another process holds the fifth job's lease, renewed just now.
        let held = plan.jobs[4].id
        try #"{"job": "x", "host": "node7", "pid": 4242, "slurm_array_job_id": "99", "slurm_array_task_id": "2", "attempt": 1, "started": "2026-12-07T10:00:00Z", "token": "t", "bermo": "0.2.0"}"#
            .write(to: layout.jobs.appendingPathComponent("\(held).lease"), atomically: true, encoding: .utf8)
        let status = try SuiteStatus.read(layout.root, maxAttempts: 1)
        #expect(status.totals.total == 12 && status.totals.done == 2 && status.totals.failed == 1)
        #expect(status.totals.running == 1 && status.totals.pending == 8)
        let running = try #require(status.jobs.first { $0.id == held })
        #expect(running.state == .running && running.host == "node7" && running.pid == 4242 && running.slurmJob == "99_2")
        #expect((running.heartbeatAge ?? 99) < 5)
        let failed = try #require(status.jobs.first { $0.state == .failed })
        #expect(failed.attempts == 1 && failed.error?.contains("simulated crash") == true)
        #expect(status.totals.etaSeconds != nil)
        #expect(status.text.contains("running  ") && status.text.contains("on node7 pid 4242 (Slurm 99_2)"))
        // A lease silent for longer than the timeout no longer counts as running.
        let old = Date(timeIntervalSinceNow: -600)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: layout.jobs.appendingPathComponent("\(held).lease").path)
        #expect(try SuiteStatus.read(layout.root, maxAttempts: 1, leaseTimeout: 300).totals.running == 0)
    }
}

extension RunModeTests {
    @Test func aRunSweepsWhatKilledProcessesLeftInTheJobsFolderOnceItIsOld() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TestSupport.options(output: dir)
        options.leaseTimeout = 60
        let jobs = OutputLayout(options.outputDirectory!).jobs
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        let leftovers = [".abc.lease.tmp-node1-77-9f", ".abc.stale-12ef", ".clock-node1-77", ".abc.json.tmp-77-5"]
        // Fresh files of this host: a gone process's go at once, a live one's (pid 1) stay.
        let host = LeaseHolder.host, gone = try LeaseFixture.deadPid()
        let ofGone = [".clock-\(host)-\(gone)", ".abc.lease.tmp-\(host)-\(gone)-1f"]
        let fresh = [".fresh.lease.tmp-node1-78-1", ".clock-\(host)-1", ".abc.lease.tmp-\(host)-1-2e"]
        for name in leftovers + ofGone + fresh {
            try Data("x".utf8).write(to: jobs.appendingPathComponent(name))
        }
        for name in leftovers {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: jobs.appendingPathComponent(name).path)
        }
        _ = try TestSupport.run("good/echo.yaml", options: options)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: jobs.path).filter { $0.hasPrefix(".") }
        #expect(hidden.sorted() == fresh.sorted(), "\(hidden)")
    }
}
