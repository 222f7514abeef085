// TEMPORARY stub; replaced by the tokenizer branch at merge.
import Foundation
public struct Encoding: Equatable, Sendable { public var inputIds: [Int32]; public var tokenTypeIds: [Int32]; public var attentionMask: [Int32] }
public final class BertTokenizer: Sendable {
    public init(modelDirectory: URL) throws { fatalError() }
    public func encode(_ text: String, pair: String? = nil, maxLength: Int? = 512) -> Encoding { fatalError() }
}
