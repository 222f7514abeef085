import BermoRuntime
import Foundation

/// Model folders for tests that feed bermo broken or hostile models: a tiny random model with the real
/// vocabulary, and a copy of the real checkpoint whose small files (config.json, vocab.txt) can be edited.
public enum ModelFolders {
    /// A random model of `config` (default: two layers 32 wide over MiniLM's 30,522-token vocabulary), saved
    /// as a Hugging Face folder with the real tokenizer files: tokenization is the real one, the arithmetic is
    /// small enough for a debug build. `edit` may change the weights before they are written.
    public static func writeTiny(to directory: URL, config: BertConfig = tinyConfig, seed: UInt64 = 1,
                                 edit: (BertModel) -> Void = { _ in }) throws {
        let model = try BertModel(config: config, seed: seed)
        edit(model)
        try ModelCheckpoint.save(model, sourceDirectory: try TestModel.minilmDirectory(), kind: nil, to: directory)
        try JSONEncoder().encode(config).write(to: directory.appendingPathComponent("config.json"))
    }

    public static let tinyConfig = BertConfig(vocabSize: 30522, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2,
                                              intermediateSize: 64, maxPositionEmbeddings: 128)

    /// The real MiniLM folder in `directory`: the 90 MB weights linked, every other file copied, so a test can
    /// corrupt config.json or vocab.txt without touching the cache.
    public static func realCopy(in directory: URL) throws -> URL {
        let source = try TestModel.minilmDirectory(), copy = directory.appendingPathComponent("minilm", isDirectory: true)
        let fm = FileManager.default
        try fm.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: source.path) {
            let from = source.appendingPathComponent(name), to = copy.appendingPathComponent(name)
            if name == "model.safetensors" { try fm.createSymbolicLink(at: to, withDestinationURL: from) }
            else { try fm.copyItem(at: from, to: to) }
        }
        return copy
    }

    /// Rewrites `config.json` in `directory` after `edit` changed its fields.
    public static func editConfig(in directory: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = directory.appendingPathComponent("config.json")
        var fields = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        edit(&fields)
        try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]).write(to: url)
    }

    /// Rewrites `vocab.txt` in `directory` (one token per line) after `edit` changed its lines, and deletes the
    /// folder's `tokenizer.json`, which bermo (like transformers) would read instead of `vocab.txt`.
    public static func editVocabulary(in directory: URL, _ edit: (inout [String]) -> Void) throws {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("tokenizer.json"))
        let url = directory.appendingPathComponent("vocab.txt")
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        edit(&lines)
        try lines.map { $0 + "\n" }.joined().write(to: url, atomically: true, encoding: .utf8)
    }
}
