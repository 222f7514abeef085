import BermoRuntime
import Foundation

/// `bermo compare` as a function: reads two results files and returns the exit code and what to print.
/// Exit codes: 0 within tolerance, 1 regression, 2 usage or data error (unreadable or malformed files,
/// a `std` tolerance with too few seeds).
public enum Gate {
    public struct Report: Sendable {
        public let exitCode: Int32
        /// The table (stdout).
        public let output: String
        /// The error message (stderr), for exit code 2.
        public let error: String?
        public let comparison: Comparison?
    }

    /// `format` chooses what `output` holds (`GateFormat`); with `.github`, the Markdown report is also appended to
    /// the file `$GITHUB_STEP_SUMMARY` names in `environment`, when it is set (a file that cannot be written is an
    /// exit-2 error, after the table and annotations), and an exit-2 error is also printed as an `::error` annotation.
    public static func compare(results: URL, baseline: URL, tolerance: TolerancePolicy = TolerancePolicy(),
                               showAll: Bool = false, format: GateFormat = .text,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> Report {
        func failure(_ message: String, output: String = "", comparison: Comparison? = nil) -> Report {
            let annotation = format == .github
                ? GitHubWorkflowCommand.line("error", properties: ["title": "bermo compare failed"], message: message) + "\n" : ""
            return Report(exitCode: 2, output: output + annotation, error: "bermo: error: \(message)", comparison: comparison)
        }
        let comparison: Comparison, suite: String
        do {
            let current = try ResultsDocument.read(results)
            let base = try ResultsDocument.read(baseline)
            comparison = try Comparator(cli: tolerance).compare(current: current, baseline: base, files: (results.path, baseline.path))
            suite = current.suite.name
        } catch {
            return failure(ErrorText.describe(error))
        }
        let output = format.rendered(comparison, suite: suite, all: showAll)
        if format == .github, let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            do {
                try AtomicFile.append(GateFormat.markdownReport(comparison, suite: suite, all: showAll), to: URL(fileURLWithPath: path))
            } catch {
                let why = (error as? FileError).map { "\($0.action): \($0.reason)" } ?? ErrorText.describe(error)
                return failure("$GITHUB_STEP_SUMMARY is \(path), but bermo cannot append its report there (\(why)); point "
                    + "GITHUB_STEP_SUMMARY at a writable file, or unset it to skip the step summary", output: output, comparison: comparison)
            }
        }
        return Report(exitCode: comparison.exitCode, output: output, error: nil, comparison: comparison)
    }
}
