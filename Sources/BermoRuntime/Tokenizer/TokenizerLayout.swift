import Foundation

/// Which files of a model directory make its tokenizer. The choice is transformers' (`AutoTokenizer` with
/// `use_fast=True`, the default): `tokenizer.json` whenever it is there, whatever else the folder holds, because
/// transformers builds its tokenizer from it; otherwise the older layouts, `vocab.txt` (BERT's WordPiece) or
/// `vocab.json` with `merges.txt` (RoBERTa's byte-level BPE), each with the optional `tokenizer_config.json`.
/// Beside `tokenizer.json`, `tokenizer_config.json` must agree with it (`TokenizerAgreement`).
public enum TokenizerLayout: Equatable, Sendable {
    case tokenizerJSON(URL)
    case wordPieceVocabulary(vocab: URL, configuration: URL)
    case bytePairVocabulary(vocab: URL, merges: URL, configuration: URL)

    /// The layouts as messages list them.
    public static let description = "tokenizer.json, vocab.txt, or vocab.json with merges.txt"

    /// Every file a layout may read, which a saved copy of the model must carry along (with
    /// `special_tokens_map.json`, which transformers reads beside them).
    public static let fileNames = [TokenizerJSON.fileName, "vocab.txt", "vocab.json", "merges.txt",
                                   TokenizerConfiguration.fileName, "special_tokens_map.json"]

    /// The layout of `directory`, or an error saying what is missing or ambiguous.
    public init(directory: URL) throws {
        func file(_ name: String) -> URL? {
            let url = directory.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        let configuration = directory.appendingPathComponent(TokenizerConfiguration.fileName)
        if let json = file(TokenizerJSON.fileName) {
            self = .tokenizerJSON(json)
            return
        }
        switch (file("vocab.txt"), file("vocab.json"), file("merges.txt")) {
        case (let vocab?, nil, _):
            self = .wordPieceVocabulary(vocab: vocab, configuration: configuration)
        case (nil, let vocab?, let merges?):
            self = .bytePairVocabulary(vocab: vocab, merges: merges, configuration: configuration)
        case (nil, _?, nil):
            throw RuntimeError("\(directory.path) has vocab.json but no merges.txt beside it, and no tokenizer.json; a "
                + "byte-level BPE tokenizer needs both. Download merges.txt (or tokenizer.json) from the model's Hub page")
        case (_?, _?, _):
            throw RuntimeError("\(directory.path) has both vocab.txt (a WordPiece tokenizer) and vocab.json (a BPE tokenizer), "
                + "and no tokenizer.json to settle which the model uses; delete the one that does not belong to the model, "
                + "or add the model's tokenizer.json")
        case (nil, nil, _):
            throw RuntimeError("\(directory.path) has no tokenizer: it needs \(Self.description). Download the tokenizer "
                + "files from the model's Hub page into that folder")
        }
    }

    /// The files whose content decides the ids (what a cache of encoded features must be keyed on).
    public var files: [URL] {
        let manager = FileManager.default
        switch self {
        case .tokenizerJSON(let json): return [json]
        case .wordPieceVocabulary(let vocab, let configuration):
            return [vocab] + (manager.fileExists(atPath: configuration.path) ? [configuration] : [])
        case .bytePairVocabulary(let vocab, let merges, let configuration):
            return [vocab, merges] + (manager.fileExists(atPath: configuration.path) ? [configuration] : [])
        }
    }

    public func load() throws -> Tokenizer {
        switch self {
        case .tokenizerJSON(let json):
            let tokenizer = try TokenizerJSON.load(json)
            let configuration = json.deletingLastPathComponent().appendingPathComponent(TokenizerConfiguration.fileName)
            try TokenizerConfiguration(contentsOf: configuration).checkAgreement(with: tokenizer, json: json, file: configuration)
            return tokenizer
        case .wordPieceVocabulary(let vocab, let configuration):
            let settings = try TokenizerConfiguration(contentsOf: configuration)
            return try Tokenizer(vocabularyFile: vocab, doLowerCase: settings.doLowerCase,
                                 tokenizeChineseChars: settings.tokenizeChineseChars, stripAccents: settings.stripAccents)
        case .bytePairVocabulary(let vocab, let merges, let configuration):
            let settings = try TokenizerConfiguration(contentsOf: configuration)
            return try Tokenizer(bytePairVocabulary: vocab, merges: merges, addPrefixSpace: settings.addPrefixSpace)
        }
    }
}
