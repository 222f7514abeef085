import ArgumentParser
import BermoHarness
import BermoRuntime
import Foundation

/// Options shared by commands that read suites.
struct SuiteDataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (default $BERMO_DATA, else ../shared/data).")
    var dataDir: String?

    var directory: URL { DataDirectory.resolve(dataDir) }
    var source: String { DataDirectory.source(dataDir) }
}

/// Prints harness errors the way users need them (located, one per line) and exits 2; other errors as
/// `CommandFailure` says. Exit codes across the commands: 0 fine, 1 regression, 2 usage or data error.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch let errors as SuiteErrors {
        printError(errors.description)
        printError("bermo: \(errors.errors.count) error(s)")
        throw ExitCode(2)
    } catch let error as SuiteError {
        printError(error.description)
        throw ExitCode(2)
    } catch {
        if let failure = CommandFailure(error) { throw failure.reported() }
        throw error
    }
}

func printError(_ text: String) { StandardError.write(text + "\n") }

/// Parses repeated `--tolerance` values: `abs:0.01` (default) or `accuracy=std:2` (one metric), either with an
/// optional seed-noise test: `abs:0.01,welch:0.05`.
func parseTolerances(_ values: [String]) throws -> TolerancePolicy {
    var policy = TolerancePolicy()
    for value in values {
        let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
        let spec = parts.count == 2 ? parts[1] : parts[0]
        guard let tolerance = Tolerance(cli: spec) else {
            throw HarnessError("--tolerance \(value): expected abs:X, rel:X or std:K (X, K ≥ 0), optionally followed by ,welch:LEVEL "
                + "(0 < LEVEL < 1) and prefixed by a metric: accuracy=std:2, abs:0.01,welch:0.05")
        }
        if parts.count == 2 { policy.perMetric[parts[0]] = tolerance } else { policy.defaultTolerance = tolerance }
    }
    return policy
}
