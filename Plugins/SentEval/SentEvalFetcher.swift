import BermoHarness
import BermoRuntime
import Foundation

/// `bermo data fetch senteval`: the ten full SentEval probing files from the official repository, each
/// verified against its git blob SHA-1 in the official tree, installed into `<data-dir>/senteval-probing/`,
/// the folder `senteval.probe` reads (replacing the subsets a data directory may hold there).
public struct SentEvalFetcher: DatasetFetcher {
    public struct Options: Settings { public init() {} }

    public init() {}
    public var name: String { "senteval" }
    public var summary: String { "The 10 SentEval probing files: download, verify, install into <data-dir>/senteval-probing." }

    public func fetch(into dataDirectory: URL, options: Options, log: @escaping @Sendable (String) -> Void) throws -> [String] {
        let target = dataDirectory.appendingPathComponent("senteval-probing")
        let outcomes = try SentEvalDownloads.fetch(to: target, log: log)
        return ["\(outcomes.count) SentEval probing files verified in \(target.path)"]
    }
}
