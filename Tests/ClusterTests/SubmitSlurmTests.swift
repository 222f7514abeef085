import BermoTestSupport
import Foundation
import Testing

/// `bermo submit slurm` end to end on the local cluster, against one local `bermo run` of the same suite.
extension ClusterTests {
    /// Writes the small suite into `dir`, runs it with `bermo run <suite> --threads 1` (what each one-CPU worker
    /// runs with) into `dir/local`, and returns the suite, the local output and its jobs by id.
    func localReference(in dir: TemporaryDirectory, long: Bool) throws -> (suite: URL, local: URL, jobs: [String: [String: Any]]) {
        let suite = try SmallSuite.write(in: dir.url, long: long)
        let local = dir.file("local")
        let run = try CLI.run(["run", suite.path, "--output-dir", local.path, "--threads", "1"])
        try #require(run.status == 0, "local bermo run failed (exit \(run.status)):\n\(run.stderr)")
        let jobs = Outputs.jobs(try Outputs.json(local.appendingPathComponent("results.json")))
        try #require(jobs.count == 4)
        return (suite, local, jobs)
    }

    @Test("bermo submit slurm: an array of 3 workers gives results identical to one local bermo run")
    func submitMatchesLocalRun() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let (suite, local, reference) = try localReference(in: dir, long: false)

        try LocalCluster.with { cluster in
            // --dry-run writes the two scripts and submits nothing.
            let dry = dir.file("dry")
            let d = try cluster.bermo(["submit", "slurm", suite.path, "--output-dir", dry.path, "--array", "3",
                                       "--cpus-per-task", "1", "--time", "00:20:00", "--dry-run"])
            #expect(d.status == 0, "bermo submit slurm --dry-run failed (exit \(d.status)):\n\(d.stderr)")
            for (file, runs) in [("array.sbatch", "--worker"), ("finalize.sbatch", "--finalize")] {
                let text = (try? String(contentsOf: dry.appendingPathComponent("slurm/\(file)"), encoding: .utf8)) ?? "(missing)"
                #expect(text.contains(runs), "slurm/\(file) of --dry-run should run `bermo run ... \(runs)`:\n\(text)")
            }
            let queue = try cluster.slurm("squeue", ["-h"])
            #expect(queue.status == 0 && queue.stdout.isEmpty, "--dry-run submitted jobs:\n\(queue.stdout)")

            let out = dir.file("cluster")
            let logs = out.appendingPathComponent("slurm/logs")
            let submission = try Submission.submit(cluster, suite: suite, output: out)
            for file in ["array.sbatch", "finalize.sbatch"] {
                #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("slurm/\(file)").path), "no slurm/\(file)")
            }
            let finalize = try cluster.waitUntilFinished(submission.finalize, timeout: 480)
            try #require(finalize != nil, "finalize job \(submission.finalize) not finished within 8 min\n\(cluster.diagnostics(logs: logs))")
            #expect(finalize?.values.first == "COMPLETED", "finalize job: \(finalize ?? [:])\n\(cluster.diagnostics(logs: logs))")
            let tasks = try cluster.states(of: submission.array)
            #expect(tasks.count == 3 && tasks.values.allSatisfy { $0 == "COMPLETED" }, "array tasks: \(tasks)")

            #expect(try Outputs.differences(local, out) == [])
            try Outputs.expectAllDone(cluster, out, ids: Set(reference.keys))
            let ran = Outputs.completions(logs: logs, names: reference.values.map(Outputs.name))
            #expect(ran.values.allSatisfy { $0 == 1 }, "times each job was run to completion by the workers: \(ran)")
            #expect(Outputs.leftovers(in: out).isEmpty, "left behind: \(Outputs.leftovers(in: out))")
        }
    }

    /// The fault case: one array task cancelled mid-job (Slurm sends SIGTERM), the `bermo` worker of
    /// another killed with SIGKILL (its lease stays and goes stale after `--lease-timeout`), both requeued.
    /// The finalize job is held while that happens, since with both tasks over and the third done the array
    /// would count as finished for a moment; it is released once they are requeued.
    @Test("bermo submit slurm: after scancel of one task and kill -9 of another worker, requeued, results are complete and identical")
    func submitSurvivesCancelAndKill() throws {
        let dir = try TemporaryDirectory(); defer { dir.cleanup() }
        let (suite, local, reference) = try localReference(in: dir, long: true)
        let glueJobs = Set(reference.filter { $0.value["task"] as? String == "sst2" }.keys)
        let names = reference.values.map(Outputs.name)
        let workerOptions = ["--max-attempts", "2", "--lease-timeout", "20"]

        try LocalCluster.with { cluster in
            let out = dir.file("cluster")
            let logs = out.appendingPathComponent("slurm/logs")
            let first = try Submission.submit(cluster, suite: suite, output: out, extra: workerOptions)
            let hold = try cluster.slurm("scontrol", ["hold", first.finalize])
            #expect(hold.status == 0, "scontrol hold \(first.finalize): \(hold.stderr)")

            // Two workers, each in the middle of a GLUE job: leased by a live bermo, not finished.
            let holders = try #require(cluster.poll(timeout: 300) { () -> [Lease]? in
                var byPid: [Int32: Lease] = [:]
                for lease in Lease.all(in: out) where glueJobs.contains(lease.job) && lease.holderIsRunning { byPid[lease.pid] = lease }
                return byPid.count >= 2 ? Array(byPid.values.sorted { $0.job < $1.job }) : nil
            }, "two workers never held the two GLUE jobs at once\n\(cluster.diagnostics(logs: logs))")
            // Let each save a checkpoint first (at its first evaluation), so the rerun has something to resume.
            _ = cluster.poll(timeout: 20) { () -> Bool? in
                holders.allSatisfy { !Outputs.files(under: out.appendingPathComponent("artifacts/\($0.job)")).isEmpty } ? true : nil
            }
            let (cancelled, killed) = (holders[0], holders[1])
            let cancelledTask = try #require(cancelled.arrayTask, "no array task for the lease \(Outputs.canonical(cancelled.json))")
            let killedTask = try #require(killed.arrayTask, "no array task for the lease \(Outputs.canonical(killed.json))")
            for h in holders {
                #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("jobs/\(h.job).json").path),
                        "job \(h.job) finished before the faults: make the GLUE jobs longer")
            }

            let scancel = try cluster.slurm("scancel", [cancelledTask])
            #expect(scancel.status == 0, "scancel \(cancelledTask): \(scancel.stderr)")
            #expect(kill(killed.pid, SIGKILL) == 0, "kill -9 \(killed.pid): errno \(errno)")
            for task in [cancelledTask, killedTask] {
                let state = try cluster.waitUntilFinished(task, timeout: 120)
                try #require(state != nil, "array task \(task) did not end\n\(cluster.diagnostics(logs: logs))")
            }
            #expect(!cancelled.holderIsRunning, "the cancelled task's worker (pid \(cancelled.pid)) outlived its task")
            #expect(try cluster.states(of: cancelledTask).values.first == "CANCELLED")
            for task in [cancelledTask, killedTask] {
                let requeue = try cluster.slurm("scontrol", ["requeue", task])
                #expect(requeue.status == 0, "scontrol requeue \(task): \(requeue.stderr)")
            }
            let release = try cluster.slurm("scontrol", ["release", first.finalize])
            #expect(release.status == 0, "scontrol release \(first.finalize): \(release.stderr)")

            let finalize = try cluster.waitUntilFinished(first.finalize, timeout: 480)
            try #require(finalize != nil, "finalize job \(first.finalize) not finished within 8 min\n\(cluster.diagnostics(logs: logs))")
            #expect(finalize?.values.first == "COMPLETED", "finalize job: \(finalize ?? [:])\n\(cluster.diagnostics(logs: logs))")

            #expect(try Outputs.differences(local, out) == [])
            try Outputs.expectAllDone(cluster, out, ids: Set(reference.keys))
            let records = Outputs.files(under: out.appendingPathComponent("jobs"))
            #expect(records == reference.keys.map { "\($0).json" }.sorted(), "jobs/ holds \(records)")
            let ran = Outputs.completions(logs: logs, names: names)
            #expect(ran.values.allSatisfy { $0 == 1 }, "times each job was run to completion by the workers: \(ran)")
            #expect(Outputs.leftovers(in: out).isEmpty, "left behind: \(Outputs.leftovers(in: out))")
            // The killed worker's lease was taken over, and the takeover logged by the worker that took it.
            let killedName = try #require(reference[killed.job].map(Outputs.name))
            #expect(Outputs.logLines(logs).contains { $0.contains("\(killedName): took over") },
                    "no worker logged taking over the lease of \(killedName)\n\(cluster.diagnostics(logs: logs))")
            // Checkpoints go once their job is done: artifacts hold what a local run's do.
            #expect(Outputs.files(under: out.appendingPathComponent("artifacts")) == Outputs.files(under: local.appendingPathComponent("artifacts")))

            // Submitting the finished suite again submits nothing, says so, and changes nothing.
            let results = try Data(contentsOf: out.appendingPathComponent("results.json"))
            let again = try cluster.bermo(["submit", "slurm", suite.path, "--output-dir", out.path, "--array", "3"] + workerOptions)
            #expect(again.status == 0 && again.stdout.contains("nothing to submit"), "resubmission (exit \(again.status)):\n\(again.stdout)\(again.stderr)")
            let queue = try cluster.slurm("squeue", ["-h"])
            #expect(queue.status == 0 && queue.stdout.isEmpty, "a resubmission of a finished suite queued jobs:\n\(queue.stdout)")
            #expect(try Data(contentsOf: out.appendingPathComponent("results.json")) == results, "a resubmission changed results.json")
            #expect(Outputs.leftovers(in: out).isEmpty, "left behind: \(Outputs.leftovers(in: out))")
        }
    }
}
