import BermoRuntime
import BermoTestSupport
import Foundation

/// The SentEval probing subsets: `$BERMO_DATA/senteval-probing`, else `../shared/data/senteval-probing`
/// beside the package root (the layout of CI and the development machines).
enum ProbingData {
    static let directory: URL = DataPaths.root.appendingPathComponent("senteval-probing").standardizedFileURL

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

