import Foundation

/// transformers (5.x) does not read a BERT or RoBERTa `tokenizer.json` whole: its `BertTokenizer` and
/// `RobertaTokenizer` take the vocabulary (and merges) from it but build the normalizer and pre-tokenizer again
/// from `tokenizer_config.json` (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`; `add_prefix_space`),
/// while the tokenizers library, and bermo, follow `tokenizer.json`. When a folder's two files disagree, the two
/// references give different ids for the same text, so bermo refuses the folder rather than pick one silently.
/// Only a folder with a `tokenizer_config.json` is checked, and not when the file names a generic class
/// (`PreTrainedTokenizerFast`), which transformers builds from `tokenizer.json` alone.
extension TokenizerConfiguration {
    static let genericClasses: Set = ["PreTrainedTokenizerFast", "TokenizersBackend"]

    /// Refuses `tokenizer` (read from `json`) when this configuration, read from `file`, makes transformers build
    /// another normalizer or pre-tokenizer.
    func checkAgreement(with tokenizer: Tokenizer, json: URL, file: URL) throws {
        guard FileManager.default.fileExists(atPath: file.path), !Self.genericClasses.contains(tokenizerClass ?? "") else { return }
        var disagreements: [String] = []
        func compare(_ field: String, _ configured: Bool, _ jsonField: String, _ read: Bool) {
            if configured != read { disagreements.append("\(field) \(configured) but \(jsonField) \(read)") }
        }
        if case .bert(let normalizer) = tokenizer.normalizer {
            compare("do_lower_case", doLowerCase, "lowercase", normalizer.lowercase)
            compare("tokenize_chinese_chars", tokenizeChineseChars, "handle_chinese_chars", normalizer.handleChineseChars)
            compare("strip_accents (in effect)", stripAccents ?? doLowerCase, "strip_accents (in effect)", normalizer.stripsAccents)
            compare("(text cleaning, always on)", true, "clean_text", normalizer.cleanText)
        }
        if case .byteLevel(let preTokenizer) = tokenizer.preTokenizer {
            compare("add_prefix_space", addPrefixSpace, "add_prefix_space", preTokenizer.addPrefixSpace)
        }
        guard !disagreements.isEmpty else { return }
        throw RuntimeError("\(file.path) and \(json.lastPathComponent) disagree: " + disagreements.joined(separator: "; ")
            + ". transformers builds the tokenizer's normalizer and pre-tokenizer from \(Self.fileName), the tokenizers "
            + "library reads \(json.lastPathComponent), so they would give different ids; make the two files agree (as "
            + "the model was trained), or name \"tokenizer_class\": \"PreTrainedTokenizerFast\" in \(Self.fileName) to "
            + "have both read \(json.lastPathComponent) alone")
    }
}
