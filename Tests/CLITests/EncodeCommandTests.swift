import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

@Suite("bermo encode (end to end, real checkpoint)")
struct EncodeCommandTests {
    @Test("one JSON object per input line, in order, with the requested layers and poolings")
    func encodesEveryLine() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let lines = ["The quick brown fox jumps over the lazy dog.", "", "\tstarts with a tab", "Café naïve — 東京", "short"]
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("in.txt"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["encode", "--input", dir.appendingPathComponent("in.txt").path,
                             "--output", dir.appendingPathComponent("out.jsonl").path,
                             "--layers", "0,3,6", "--pool", "cls,mean", "--threads", "2", "--batch-size", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try String(contentsOf: dir.appendingPathComponent("out.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(out.count == lines.count)
        let tokenizer = try Tokenizer(modelDirectory: try ModelStore().resolve("minilm-l6"))
        for (i, obj) in out.enumerated() {
            #expect(obj["index"] as? Int == i)
            #expect((obj["input_ids"] as? [Int]) == tokenizer.encode(lines[i], maxLength: 128).inputIds.map(Int.init))
            let cls = obj["cls"] as! [[Double]], mean = obj["mean"] as! [[Double]]
            #expect(cls.count == 3 && mean.count == 3 && cls.allSatisfy { $0.count == 384 })
        }
        // Layer 0's [CLS] is the same for every sentence (position 0, token [CLS], type 0), a known fact of BERT.
        let cls0 = out.map { ($0["cls"] as! [[Double]])[0] }
        for v in cls0.dropFirst() { #expect(zip(v, cls0[0]).allSatisfy { abs($0 - $1) < 1e-6 }) }
        // Mean pooling of "[CLS] [SEP]" (the empty line) averages exactly two tokens: it differs from its [CLS].
        let empty = out[1]
        #expect((empty["input_ids"] as! [Int]).count == 2)
        #expect((empty["mean"] as! [[Double]])[2] != (empty["cls"] as! [[Double]])[2])
    }

    @Test("bad options and inputs give clear errors and no output file")
    func errors() throws {
        let dir = try CLI.temporaryDirectory(); defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.txt"), output = dir.appendingPathComponent("out.jsonl")
        try "a sentence\n".write(to: input, atomically: true, encoding: .utf8)
        let badLayer = try CLI.run(["encode", "--input", input.path, "--output", output.path, "--layers", "0,9"])
        #expect(badLayer.status != 0)
        #expect(badLayer.stderr.contains("--layers") && badLayer.stderr.contains("0...6"))
        let missing = try CLI.run(["encode", "--input", dir.appendingPathComponent("nope.txt").path, "--output", output.path])
        #expect(missing.status != 0 && missing.stderr.contains("nope.txt"))
        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: input)
        let latin = try CLI.run(["encode", "--input", input.path, "--output", output.path])
        #expect(latin.status != 0 && latin.stderr.contains("in.txt:2") && latin.stderr.contains("UTF-8"))
        try "a sentence\n".write(to: input, atomically: true, encoding: .utf8)
        let badModel = try CLI.run(["encode", "--model", dir.path, "--input", input.path, "--output", output.path])
        #expect(badModel.status != 0 && badModel.stderr.contains("config.json"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
