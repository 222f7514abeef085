import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// `bermo encode` reads a model folder's tokenizer from tokenizer.json when there is one (as transformers does),
/// from vocab.txt otherwise; for a BERT model the two are one tokenizer, so the outputs are identical.
@Suite("bermo encode with each tokenizer layout (real checkpoint)")
struct TokenizerLayoutCommandTests {
    @Test("a folder with tokenizer.json alone encodes exactly as one with vocab.txt alone")
    func tokenizerJSONAloneEqualsVocabTxtAlone() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let lines = ["The quick brown fox jumps over the lazy dog.", "", "\tstarts with a tab", "Café naïve — 東京 😀",
                     "[CLS] a [MASK] in the text [SEP]", "UNAFFABLE  Straße   İstanbul", String(repeating: "x", count: 150)]
        let input = dir.appendingPathComponent("in.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        var outputs: [Data] = []
        for (name, removed) in [("json", "vocab.txt"), ("vocab", "tokenizer.json")] {
            let folder = try ModelFolders.realCopy(in: dir.appendingPathComponent(name))
            try FileManager.default.removeItem(at: folder.appendingPathComponent(removed))
            let output = dir.appendingPathComponent("\(name).jsonl")
            let r = try CLI.run(["encode", "--model", folder.path, "--input", input.path, "--output", output.path,
                                 "--layers", "0,6", "--threads", "1"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            outputs.append(try Data(contentsOf: output))
        }
        #expect(outputs[0].count > 1000 && outputs[0] == outputs[1])
    }

    @Test("a tokenizer.json with ids past the embedding table is refused at load, naming the file")
    func tokenizerJSONLongerThanTheEmbedding() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try ModelFolders.realCopy(in: dir)
        let file = folder.appendingPathComponent("tokenizer.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var added = try #require(json["added_tokens"] as? [[String: Any]])
        added.append(["id": 30522, "content": "<extra>", "single_word": false, "lstrip": false, "rstrip": false,
                      "normalized": false, "special": true])
        json["added_tokens"] = added
        try JSONSerialization.data(withJSONObject: json).write(to: file)
        let input = dir.appendingPathComponent("in.txt"), output = dir.appendingPathComponent("out.jsonl")
        try "hello <extra> world\n".write(to: input, atomically: true, encoding: .utf8)
        let r = try CLI.run(["encode", "--model", folder.path, "--input", input.path, "--output", output.path, "--threads", "1"])
        #expect(r.exited && r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("\(file.path) has 30523 tokens (ids 0 to 30522), but the model's word-embedding table has "
                                  + "30522 rows (vocab_size in config.json): id 30522 ('<extra>')"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
