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

    public static func compare(results: URL, baseline: URL, tolerance: TolerancePolicy = TolerancePolicy(),
                               showAll: Bool = false, markdown: Bool = false) -> Report {
        do {
            let current = try ResultsDocument.read(results)
            let base = try ResultsDocument.read(baseline)
            let comparison = try Comparator(cli: tolerance).compare(current: current, baseline: base, files: (results.path, baseline.path))
            let text = markdown ? ComparisonTable.markdown(comparison) : ComparisonTable.text(comparison, all: showAll)
            return Report(exitCode: comparison.exitCode, output: text, error: nil, comparison: comparison)
        } catch {
            return Report(exitCode: 2, output: "", error: "bermo: error: \(ErrorText.describe(error))", comparison: nil)
        }
    }
}
