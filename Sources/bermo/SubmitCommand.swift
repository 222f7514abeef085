import ArgumentParser
import BermoHarness
import BermoPlugins
import BermoRuntime
import Foundation

/// `bermo submit slurm <suite>`: runs a suite on a Slurm cluster as a job array plus a finalize job.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Run a suite on a cluster's scheduler.", subcommands: [SubmitSlurm.self])
}

struct SubmitSlurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Submit a suite as a Slurm job array (each task takes the next free job) and a dependent finalize job.",
        discussion: """
            Before anything is submitted the suite is validated, its data checked, the model fetched once into the \\
            cache and `plan.json` written, so array tasks never race to download or fail one by one on a typo. The \\
            output directory, the model cache ($BERMO_CACHE) and the data directory must be on a filesystem every \\
            node sees. The scripts stay in <output-dir>/slurm/ (readable, resubmittable by hand); follow progress \\
            with `bermo status <output-dir>`.
            """)

    @Argument(help: "The suite YAML file.") var suite: String
    @Option(name: .customLong("output-dir"), help: "Where results go (default: the suite's output_dir, else results/<suite>); on the shared filesystem.")
    var outputDir: String?
    @Option(help: "Array tasks (default: one per unfinished job, at most 100). Each takes jobs until none is left.")
    var array: Int?
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Slurm account.") var account: String?
    @Option(help: "Time limit per task, in Slurm's form (e.g. 04:00:00).") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "CPUs per task; bermo runs that many worker threads.") var cpusPerTask = 1
    @Option(help: "Memory per task, in Slurm's form (e.g. 8G).") var mem: String?
    @Option(help: "Slurm quality of service.") var qos: String?
    @Option(name: .customLong("sbatch-arg"), help: "A further #SBATCH option, verbatim (repeatable), e.g. --sbatch-arg=--constraint=avx2.")
    var sbatchArgs: [String] = []
    @Flag(name: .customLong("no-requeue"), help: "Do not let Slurm requeue tasks that are preempted or lose their node.") var noRequeue = false
    @Option(name: .customLong("max-attempts"), help: "A job whose plugin failed this many times is not run again.") var maxAttempts = 2
    @Option(name: .customLong("lease-timeout"), help: "Seconds after which a task's silent lease (a dead node) is taken over by another task.")
    var leaseTimeout = 300
    @Option(help: "At most N examples per split (a quick run; part of the job ids).") var limit: Int?
    @OptionGroup var data: SuiteDataOptions
    @Flag(name: .customLong("dry-run"), help: "Write and print the scripts and the sbatch lines; submit nothing and fetch nothing.")
    var dryRun = false

    func validate() throws {
        try OptionRules.check(array, SlurmCommandRules.array, option: "--array")
        try OptionRules.check(cpusPerTask, Compute.threadsRule, option: "--cpus-per-task")
        try OptionRules.check(maxAttempts, RunOptions.maxAttemptsRule, option: "--max-attempts")
        try OptionRules.check(leaseTimeout, RunOptions.leaseTimeoutRule, option: "--lease-timeout")
        try OptionRules.check(limit, RunOptions.limitRule, option: "--limit")
    }

    func run() throws {
        try reportingErrors {
            let registry = Plugins.registry()
            let loaded = try SuiteLoader().load(suite)
            let prepared = try SuitePreparer(registry: registry, dataDirectory: data.directory, dataDirectorySource: data.source).prepare(loaded)
            let submitter = dryRun ? nil : try SlurmSubmitter()
            var options = RunOptions(dataDirectory: data.directory)
            options.outputDirectory = outputDir.map { URL(fileURLWithPath: $0, isDirectory: true) }
            options.limit = limit
            let runner = SuiteRunner(registry: registry, options: options)
            let output = runner.outputDirectory(for: loaded).standardizedFileURL
            let store = ModelStore()
            if !dryRun {
                for model in loaded.models { if case .registered = model.source { _ = try store.resolve(model.name) { printError("bermo: \($0)") } } }
            }
            let plan = try runner.plan(prepared)
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            try HarnessJSON.write(PlanDocument(suite: loaded, jobs: plan.jobs), to: OutputLayout(output).plan)
            let jobStore = JobStore(OutputLayout(output))
            let remaining = plan.jobs.filter { jobStore.record($0.id)?.bermo.version != BermoVersion.version }.count
            guard remaining > 0 || dryRun else {
                print("all \(plan.jobs.count) jobs of \(loaded.name) are finished in \(output.path); nothing to submit "
                    + "(`bermo run \(suite) --output-dir \(output.path) --finalize` writes the results)")
                return
            }
            let local = [("the output directory", output), ("the model cache ($BERMO_CACHE)", store.cacheDirectory),
                         ("the data directory", data.directory)].compactMap { what, url in
                FilesystemKind.of(url).flatMap { $0.shared ? nil : "\(what) \(url.path) (\($0.name))" }
            }
            if !local.isEmpty {
                printError("bermo: note: on local filesystems: \(local.joined(separator: ", ")); array tasks on other nodes will not "
                    + "see them (fine when the array runs on this node only)")
            }
            var resources = SlurmJobScript.Resources(arrayTasks: array ?? min(max(remaining, 1), SlurmCommandRules.defaultTaskCap), cpusPerTask: cpusPerTask)
            resources.partition = partition; resources.account = account; resources.time = time; resources.mem = mem; resources.qos = qos
            resources.extra = sbatchArgs; resources.requeue = !noRequeue
            var runOptions = ["--max-attempts", String(maxAttempts), "--lease-timeout", String(leaseTimeout), "--data-dir", data.directory.path]
            if let limit { runOptions += ["--limit", String(limit)] }
            var environment = [("BERMO_CACHE", store.cacheDirectory.path), ("BERMO_DATA", data.directory.path), ("OPENBLAS_NUM_THREADS", "1")]
            if let core = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] { environment.append(("OPENBLAS_CORETYPE", core)) }
            let script = SlurmJobScript(suiteName: loaded.name, bermo: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                                        suite: URL(fileURLWithPath: loaded.file).standardizedFileURL, outputDirectory: output,
                                        resources: resources, runOptions: runOptions, environment: environment)
            try script.write()
            guard let submitter else {
                print("# \(script.arrayScript.path)\n\(script.arrayText)\n# \(script.finalizeScript.path)\n\(script.finalizeText)")
                print("sbatch --parsable \(script.arrayScript.path)")
                print("sbatch --parsable --dependency=afterany:<array job id> \(script.finalizeScript.path)")
                return
            }
            let submission = try submitter.submit(script, jobs: plan.jobs.count, remaining: remaining)
            print("submitted array job \(submission.arrayJobID) (\(submission.arrayTasks) tasks) and finalize job \(submission.finalizeJobID)")
            printError("bermo: \(remaining) of \(plan.jobs.count) job(s) to run; follow them with `bermo status \(output.path)`")
        }
    }
}
