import ArgumentParser
import BermoHarness
import Foundation

/// `bermo status <output-dir> [--json]`: per job done / running (where, since when, last heartbeat) /
/// failed (error) / pending, and totals with an ETA; works while processes or an array are running.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Where every job of a run's output directory stands (done, running, failed, pending) and an ETA.")

    @Argument(help: "The output directory of a `bermo run` or `bermo submit slurm`.") var directory: String
    @Flag(help: "Print JSON (snake_case keys) for scripts.") var json = false
    @Option(name: .customLong("max-attempts"), help: "Failed attempts after which a job counts as failed (as `bermo run --max-attempts`).")
    var maxAttempts = 2
    @Option(name: .customLong("lease-timeout"), help: "Seconds after which a silent lease no longer counts as running (as `bermo run --lease-timeout`).")
    var leaseTimeout = 300

    func validate() throws {
        try OptionRules.check(maxAttempts, RunOptions.maxAttemptsRule, option: "--max-attempts")
        try OptionRules.check(leaseTimeout, RunOptions.leaseTimeoutRule, option: "--lease-timeout")
    }

    func run() throws {
        let status = try reportingErrors {
            try SuiteStatus.read(URL(fileURLWithPath: directory), maxAttempts: maxAttempts, leaseTimeout: Double(leaseTimeout))
        }
        if json {
            print(String(decoding: try HarnessJSON.encoder(snakeCase: true).encode(status), as: UTF8.self))
        } else {
            print(status.text, terminator: "")
        }
    }
}
