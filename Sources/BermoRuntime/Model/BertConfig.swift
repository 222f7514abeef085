// TEMPORARY placeholder; replaced by the store branch's BertConfig at merge.
import Foundation
public struct BertConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int
    public var intermediateSize: Int, maxPositionEmbeddings: Int, typeVocabSize: Int
    public var layerNormEps: Float, hiddenDropoutProb: Float, attentionProbsDropoutProb: Float
    public var headDim: Int { hiddenSize / numAttentionHeads }
    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int,
                maxPositionEmbeddings: Int, typeVocabSize: Int, layerNormEps: Float, hiddenDropoutProb: Float, attentionProbsDropoutProb: Float) {
        self.vocabSize = vocabSize; self.hiddenSize = hiddenSize; self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads; self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings; self.typeVocabSize = typeVocabSize; self.layerNormEps = layerNormEps
        self.hiddenDropoutProb = hiddenDropoutProb; self.attentionProbsDropoutProb = attentionProbsDropoutProb
    }
    public static func load(from url: URL) throws -> BertConfig {
        let d = JSONDecoder(); d.keyDecodingStrategy = .convertFromSnakeCase
        return try d.decode(BertConfig.self, from: Data(contentsOf: url))
    }
}
