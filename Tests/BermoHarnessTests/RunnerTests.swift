import BermoHarness
import BermoRuntime
import Foundation
import Testing

@Suite struct JobPlanningTests {
    func plan(_ path: String, plugin: EchoPlugin = EchoPlugin(), limit: Int? = nil, data: URL = URL(fileURLWithPath: "/nonexistent")) throws -> JobPlan {
        let prepared = try SuiteValidator(registry: TestSupport.registry(plugin), dataDirectory: data).prepare(path)
        return try JobPlanner(hashes: FileHashCache(file: nil), limit: limit).plan(prepared)
    }

    @Test func expandsModelsTimesTasksTimesVariantsTimesSeeds() throws {
        let plan = try plan(TestSupport.suite("good/echo.yaml"))
        #expect(plan.jobs.count == 1 * 2 * 2 * 3)
        #expect(Set(plan.jobs.map(\.id)).count == 12)
        #expect(plan.jobs.allSatisfy { $0.id.count == 16 && $0.id.allSatisfy(\.isHexDigit) })
        // Run order: task, then variant, then seed.
        #expect(plan.jobs.prefix(3).map { "\($0.task.id)/\($0.variant.name)/\($0.seed)" } == ["alpha/bert/1", "alpha/bert/2", "alpha/bert/3"])
    }

    @Test func idsAreDeterministicAndChangeWithWhatTheResultDependsOn() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = "suite: ids\nmodel: minilm-l6\nseeds: [1, 2]\nvariants: [bert]\ntasks:\n  - {task: a, plugin: echo.task, value: 0.5}\n  - {task: b, plugin: echo.task, value: 0.5}\n"
        let first = try plan(TestSupport.write(base, to: dir, name: "a.yaml")).jobs.map(\.id)
        let again = try plan(TestSupport.write(base, to: dir, name: "a.yaml")).jobs.map(\.id)
        #expect(first == again)

        // A parameter of task b: only b's jobs change.
        let param = try plan(TestSupport.write(base.replacingOccurrences(of: "{task: b, plugin: echo.task, value: 0.5}", with: "{task: b, plugin: echo.task, value: 0.6}"), to: dir, name: "b.yaml")).jobs.map(\.id)
        #expect(Array(param.prefix(2)) == Array(first.prefix(2)))
        #expect(Set(param.suffix(2)).isDisjoint(with: first))

        // The same value written differently (a default made explicit) resolves to the same configuration.
        let explicit = try plan(TestSupport.write(base.replacingOccurrences(of: "value: 0.5}", with: "value: 0.5, scale: 1}"), to: dir, name: "c.yaml")).jobs.map(\.id)
        #expect(explicit == first)

        // A new seed adds jobs and keeps the others.
        let seeds = try plan(TestSupport.write(base.replacingOccurrences(of: "seeds: [1, 2]", with: "seeds: [1, 2, 3]"), to: dir, name: "d.yaml")).jobs.map(\.id)
        #expect(seeds.count == 6 && Set(first).isSubset(of: Set(seeds)))

        // A new plugin version reruns everything; so does a --limit.
        let version = try plan(TestSupport.write(base, to: dir, name: "e.yaml"), plugin: EchoPlugin(version: 2)).jobs.map(\.id)
        #expect(Set(version).isDisjoint(with: first))
        let limited = try plan(TestSupport.write(base, to: dir, name: "f.yaml"), limit: 10).jobs.map(\.id)
        #expect(Set(limited).isDisjoint(with: first))

        // metadata.version is part of the id.
        let meta = try plan(TestSupport.write(base.replacingOccurrences(of: "{task: a, plugin: echo.task, value: 0.5}", with: "{task: a, plugin: echo.task, value: 0.5, metadata: {version: 2}}"), to: dir, name: "g.yaml")).jobs.map(\.id)
        #expect(Set(meta.prefix(2)).isDisjoint(with: first) && Array(meta.suffix(2)) == Array(first.suffix(2)))
    }

    @Test func dataFileContentsArePartOfTheIdAndMissingDataIsExplained() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("echo"), withIntermediateDirectories: true)
        let path = try TestSupport.write("suite: d\nmodel: minilm-l6\nvariants: [bert]\ntasks:\n  - {task: a, plugin: echo.task, data: [echo/train.tsv]}\n", to: dir)

        let missing = try plan(path, data: data)
        let error = missing.missingDataError(dataDirectory: data, source: "--data-dir")
        #expect(error?.message.contains(data.appendingPathComponent("echo/train.tsv").path) == true)
        #expect(error?.message.contains("bermo data fetch echo") == true)
        #expect(error?.message.contains("\(path):5:") == true)

        try "x\t1\n".write(to: data.appendingPathComponent("echo/train.tsv"), atomically: true, encoding: .utf8)
        let one = try plan(path, data: data)
        #expect(one.missingData.isEmpty)
        try "x\t0\n".write(to: data.appendingPathComponent("echo/train.tsv"), atomically: true, encoding: .utf8)
        let two = try plan(path, data: data)
        #expect(one.jobs[0].id != two.jobs[0].id)
        #expect(try two.jobs[0].dataFiles[0].sha256 == Digest.sha256("x\t0\n"))
    }

    @Test func shardsCoverEveryJobExactlyOnce() throws {
        let plan = try plan(TestSupport.suite("good/echo.yaml"))
        for n in [1, 2, 3, 5, 12, 13] {
            let shards = try (1...n).map { try plan.jobs(in: Shard(index: $0, count: n)).map(\.id) }
            #expect(shards.flatMap { $0 }.sorted() == plan.jobs.map(\.id).sorted(), "n = \(n)")
            #expect(shards.map(\.count).max()! - shards.map(\.count).min()! <= 1, "balanced for n = \(n)")
        }
        #expect(throws: HarnessError.self) { try Shard(parsing: "0/3") }
        #expect(throws: HarnessError.self) { try Shard(parsing: "4/3") }
        #expect(throws: HarnessError.self) { try Shard(parsing: "1-3") }
        #expect(try Shard(parsing: "2/3") == Shard(index: 2, count: 3))
    }
}

@Suite struct RunnerTests {
    @Test func runsEveryJobThenResumesWithoutRerunning() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = TestSupport.options(output: dir)
        let plugin = EchoPlugin()
        let first = try TestSupport.run("good/echo.yaml", plugin: plugin, options: options)
        #expect(plugin.counter.count == 12)
        #expect(first.ran.count == 12 && first.reused.isEmpty && first.failures.isEmpty && first.exitCode == 0)
        let layout = OutputLayout(options.outputDirectory!)
        #expect(try FileManager.default.contentsOfDirectory(atPath: layout.jobs.path).filter { $0.hasSuffix(".json") }.count == 12)
        // No temporary files left behind, and no empty per-job artifact folders.
        #expect(try FileManager.default.contentsOfDirectory(atPath: layout.jobs.path).allSatisfy { !$0.hasPrefix(".") })
        #expect(first.ran.allSatisfy { !FileManager.default.fileExists(atPath: layout.artifacts($0).path) })

        let again = EchoPlugin()
        let second = try TestSupport.run("good/echo.yaml", plugin: again, options: options)
        #expect(again.counter.count == 0)
        #expect(second.reused.count == 12 && second.ran.isEmpty)
        #expect(second.results.aggregates == first.results.aggregates)
        #expect(second.results.jobs == first.results.jobs)

        // Deleting job files reruns exactly those jobs.
        let deleted = Array(first.ran.shuffled().prefix(3))
        for id in deleted { try FileManager.default.removeItem(at: layout.job(id)) }
        let third = EchoPlugin()
        let resumed = try TestSupport.run("good/echo.yaml", plugin: third, options: options)
        #expect(Set(third.counter.jobs) == Set(deleted) && third.counter.count == 3)
        #expect(Set(resumed.ran) == Set(deleted) && resumed.reused.count == 9)
        #expect(resumed.results.aggregates == first.results.aggregates)

        // --force reruns everything.
        var forced = options
        forced.force = true
        let fourth = EchoPlugin()
        _ = try TestSupport.run("good/echo.yaml", plugin: fourth, options: forced)
        #expect(fourth.counter.count == 12)
    }

    @Test func aKilledRunLosesNothingFinishedAndResumesToIdenticalResults() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TestSupport.options(output: dir)
        options.failFast = true
        let crashing = EchoPlugin(failOnCall: 5)
        let killed = try TestSupport.run("good/echo.yaml", plugin: crashing, options: options)
        #expect(crashing.counter.count == 5)
        #expect(killed.ran.count == 4 && killed.failures.count == 1 && killed.exitCode == 2)
        #expect(killed.failures[0].error.contains("simulated crash on call 5"))
        let layout = OutputLayout(options.outputDirectory!)
        let finished = Set(killed.ran)
        #expect(Set(JobStore(layout).allRecords().map(\.id)) == finished)

        let resumedPlugin = EchoPlugin()
        let resumed = try TestSupport.run("good/echo.yaml", plugin: resumedPlugin, options: options)
        #expect(resumedPlugin.counter.count == 8)
        #expect(Set(resumedPlugin.counter.jobs).isDisjoint(with: finished))
        #expect(resumed.failures.isEmpty && resumed.exitCode == 0)

        // Identical to a run that was never interrupted.
        let cleanDir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cleanDir) }
        let clean = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: cleanDir))
        #expect(resumed.results.aggregates == clean.results.aggregates)
        #expect(resumed.results.jobs.map(\.id) == clean.results.jobs.map(\.id))
        #expect(resumed.results.jobs.map(\.status) == clean.results.jobs.map(\.status))
        #expect(resumed.results.jobs.map(\.metrics) == clean.results.jobs.map(\.metrics))
    }

    @Test func failedJobsAreReportedAndRetriedWithoutFailFast() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = TestSupport.options(output: dir)
        let crashing = EchoPlugin(failOnCall: 2)
        let summary = try TestSupport.run("good/echo.yaml", plugin: crashing, options: options)
        #expect(crashing.counter.count == 12)
        #expect(summary.ran.count == 11 && summary.failures.count == 1 && summary.exitCode == 2)
        #expect(summary.results.failures == summary.failures)
        let retry = EchoPlugin()
        let again = try TestSupport.run("good/echo.yaml", plugin: retry, options: options)
        #expect(retry.counter.jobs == [summary.failures[0].id])
        #expect(again.exitCode == 0)
    }

    @Test func aggregatesAreMeanAndSampleStdOverSeeds() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir))
        let aggregates = summary.results.aggregates
        #expect(aggregates.count == 2 * 2 * 2)
        let alphaBert = try #require(aggregates.first { $0.task == "alpha" && $0.variant == "bert" && $0.metric == "accuracy" })
        #expect(alphaBert.values.map(\.seed) == [1, 2, 3])
        #expect(alphaBert.values.map(\.value) == [0.51, 0.52, 0.53])
        #expect(abs(alphaBert.mean - 0.52) < 1e-12)
        #expect(abs(alphaBert.std! - 0.01) < 1e-12)
        #expect(alphaBert.n == 3 && alphaBert.higherIsBetter && alphaBert.group == "demo")
        let betaBermoLoss = try #require(aggregates.first { $0.task == "beta" && $0.variant == "bermo-last2" && $0.metric == "loss" })
        #expect(abs(betaBermoLoss.mean - (1 - 0.77)) < 1e-12)
        #expect(!betaBermoLoss.higherIsBetter)
        #expect(Aggregate.statistics([2, 4, 4, 4, 5, 5, 7, 9]).std! == (32.0 / 7).squareRoot())
        #expect(Aggregate.statistics([3]).std == nil)

        // Results carry provenance.
        let results = try ResultsDocument.read(OutputLayout(summary.outputDirectory).results)
        #expect(results.suite.name == "echo-test" && results.suite.hash.count == 64)
        #expect(results.plannedJobs.count == 12 && results.jobs.count == 12)
        #expect(results.environment.threads == 1 && results.environment.cores >= 1)
        #expect(!results.bermo.gitCommit.isEmpty)
        #expect(results.jobs.first { $0.variant == "bermo-last2" }?.mix?.weights.count == 2)
    }

    @Test func skippedAndDivergedJobsAreRecordedNotFailed() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("""
            suite: outcomes
            model: minilm-l6
            seeds: [1, 2]
            variants: [bert, bermo]
            tasks:
              - {task: a, plugin: echo.task, skip_variant: bermo, diverge_seed: 2}
            """, to: dir)
        var options = TestSupport.options(output: dir)
        options.logSamples = true
        let summary = try SuiteRunner(registry: TestSupport.registry(), options: options, console: RecordingConsole()).run(suitePath: path)
        #expect(summary.exitCode == 0 && summary.failures.isEmpty)
        #expect(summary.results.jobs.map(\.status.rawValue).sorted() == ["completed", "diverged", "skipped", "skipped"])
        let diverged = try #require(summary.records.first { $0.status == .diverged })
        #expect(diverged.divergedAtStep == 7 && diverged.reason == "loss is NaN")
        #expect(summary.results.aggregates.allSatisfy { $0.n == 1 && $0.std == nil })
        // --log-samples wrote the completed job's samples as JSON Lines.
        let completed = try #require(summary.records.first { $0.status == .completed })
        let samples = try String(contentsOf: summary.outputDirectory.appendingPathComponent(try #require(completed.samplesFile)), encoding: .utf8)
        #expect(samples == "{\"index\":0,\"prediction\":0}\n{\"index\":1,\"prediction\":1}\n{\"index\":2,\"prediction\":0}\n")
        // Rerunning keeps skipped and diverged outcomes (they are results, not errors).
        let again = EchoPlugin()
        _ = try SuiteRunner(registry: TestSupport.registry(again), options: options, console: RecordingConsole()).run(suitePath: path)
        #expect(again.counter.count == 0)
    }

    @Test func missingDataStopsTheRunBeforeAnyJob() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("suite: d\nmodel: minilm-l6\ntasks: [{task: a, plugin: echo.task, data: [senteval/MR/rt-polarity.pos]}]\n", to: dir)
        let plugin = EchoPlugin()
        let error = #expect(throws: HarnessError.self) {
            try SuiteRunner(registry: TestSupport.registry(plugin), options: TestSupport.options(output: dir), console: RecordingConsole()).run(suitePath: path)
        }
        #expect(plugin.counter.count == 0)
        #expect(error?.message.contains("senteval/MR/rt-polarity.pos") == true)
        #expect(error?.message.contains("bermo data fetch echo") == true)
    }

    @Test func shardOutputsMergeIntoTheUnshardedResult() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var shardDirs: [URL] = []
        var ranIDs: [String] = []
        for i in 1...3 {
            var options = TestSupport.options(output: dir)
            options.outputDirectory = dir.appendingPathComponent("shard\(i)", isDirectory: true)
            options.shard = try Shard(index: i, count: 3)
            let summary = try TestSupport.run("good/echo.yaml", options: options)
            #expect(summary.results.shard == "\(i)/3" && summary.results.plannedJobs.count == 12)
            ranIDs += summary.ran
            shardDirs.append(options.outputDirectory!)
        }
        #expect(ranIDs.count == 12 && Set(ranIDs).count == 12)

        let mergedDir = dir.appendingPathComponent("merged", isDirectory: true)
        let merged = try ShardMerger().merge(shardDirs, into: mergedDir)
        #expect(merged.missing.isEmpty && merged.records.count == 12)
        let clean = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir.appendingPathComponent("clean")))
        #expect(merged.results.aggregates == clean.results.aggregates)
        #expect(try ResultsDocument.read(OutputLayout(mergedDir).results).jobs.count == 12)
        #expect(FileManager.default.fileExists(atPath: OutputLayout(mergedDir).summary.path))

        // Merging two shards only reports the third's jobs as missing.
        let partial = try ShardMerger().merge(Array(shardDirs.prefix(2)), into: dir.appendingPathComponent("partial"))
        #expect(partial.missing.count == 4)
    }

    @Test func mergeRefusesDifferentSuites() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try TestSupport.run("good/echo.yaml", options: TestSupport.options(output: dir.appendingPathComponent("a")))
        let other = try TestSupport.write("suite: other\nmodel: minilm-l6\nvariants: [bert]\ntasks: [{task: z, plugin: echo.task}]\n", to: dir)
        var options = TestSupport.options(output: dir.appendingPathComponent("b"))
        options.outputDirectory = dir.appendingPathComponent("b/out")
        let b = try SuiteRunner(registry: TestSupport.registry(), options: options, console: RecordingConsole()).run(suitePath: other)
        let error = #expect(throws: HarnessError.self) { try ShardMerger().merge([a.outputDirectory, b.outputDirectory], into: dir.appendingPathComponent("m")) }
        #expect(error?.message.contains("only shards of one suite can be merged") == true)
    }

    @Test func progressLineShowsJobCountNameAndEta() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let console = RecordingConsole()
        _ = try SuiteRunner(registry: TestSupport.registry(), options: TestSupport.options(output: dir), console: console)
            .run(suitePath: TestSupport.suite("good/echo.yaml"))
        #expect(console.statuses.contains("[1/12] alpha · bert · seed 1"))
        #expect(console.statuses.contains { $0.hasPrefix("[12/12] beta · bermo-last2 · seed 3   50% halfway  ETA ") })
        #expect(console.lines.contains { $0.hasPrefix("bermo: [1/12] alpha · bert · seed 1: accuracy 0.5100, loss 0.4900") })
    }
}
