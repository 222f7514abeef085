import Foundation

/// The few `tokenizer_config.json` fields that change the tokenization of the older layouts (`vocab.txt`;
/// `vocab.json` + `merges.txt`), with Hugging Face's defaults for the ones a file leaves out (lower-casing on, CJK
/// spacing on, accent stripping following lower-casing, no prefix space).
struct TokenizerConfiguration: Equatable, Decodable {
    static let fileName = "tokenizer_config.json"

    var doLowerCase = true
    var tokenizeChineseChars = true
    var stripAccents: Bool? = nil
    /// RoBERTa's: put a space before the text, so its first word is spelled like any other.
    var addPrefixSpace = false
    /// The transformers class the file names, if any (`BertTokenizer`, `PreTrainedTokenizerFast`, …).
    var tokenizerClass: String? = nil

    init() {}

    /// Reads the file if it exists; a model directory without one gets the defaults, as in `from_pretrained`.
    init(contentsOf file: URL) throws {
        guard FileManager.default.fileExists(atPath: file.path) else {
            self.init()
            return
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw RuntimeError("\(file.path) cannot be read (\(error.localizedDescription)); check its permissions, or delete "
                + "it (without it the Hugging Face defaults apply)")
        }
        try JSONDuplicateKeys.check(data, file: file.path)
        do {
            self = try JSONDecoder().decode(TokenizerConfiguration.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw RuntimeError(
                "\(file.path): field \"\(field)\" must be true or false\(field == "strip_accents" ? " or null" : ""). "
                    + "Correct the value in the file.")
        } catch let error as DecodingError {
            throw RuntimeError("\(file.path): \(DecodingErrorText.describe(error, in: data)); fix or delete the file "
                + "(without it the Hugging Face defaults apply)")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case doLowerCase = "do_lower_case"
        case tokenizeChineseChars = "tokenize_chinese_chars"
        case stripAccents = "strip_accents"
        case addPrefixSpace = "add_prefix_space"
        case tokenizerClass = "tokenizer_class"
    }

    /// Missing fields keep the defaults; `null` is only meaningful (and only accepted) for `strip_accents`.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.doLowerCase) { doLowerCase = try container.decode(Bool.self, forKey: .doLowerCase) }
        if container.contains(.tokenizeChineseChars) {
            tokenizeChineseChars = try container.decode(Bool.self, forKey: .tokenizeChineseChars)
        }
        stripAccents = try container.decodeIfPresent(Bool.self, forKey: .stripAccents)
        if container.contains(.addPrefixSpace) { addPrefixSpace = try container.decode(Bool.self, forKey: .addPrefixSpace) }
        tokenizerClass = try? container.decodeIfPresent(String.self, forKey: .tokenizerClass)
    }
}
