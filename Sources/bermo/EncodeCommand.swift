import ArgumentParser
import BermoRuntime
import Foundation

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode sentences (one per line) into per-layer [CLS] and mean-pooled vectors (JSON Lines).")

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "UTF-8 text file, one sentence per line (LF, CRLF or CR; only the final line ending is dropped).")
    var input: String
    @Option(help: "Output JSON Lines file, one object per input line, in order. Written atomically (a device or named pipe is written directly).")
    var output: String
    @Option(help: "Hidden states to output: 'all' or indices like 0,3,6 (0 = embedding output).")
    var layers: String = "all"
    @Option(help: "Poolings to output: cls, mean, or cls,mean.")
    var pool: String = "cls,mean"
    @Option(name: .customLong("max-length"), help: "Truncate sentences to this many tokens, [CLS] and [SEP] included.")
    var maxLength: Int = 128
    @Option(name: .customLong("batch-size"), help: "Sentences per batch (batches are built by length, without padding).")
    var batchSize: Int = 32

    func validate() throws {
        try OptionRules.check(maxLength, SentenceEncoder.maxLengthRule, option: "--max-length")
        try OptionRules.check(batchSize, SentenceEncoder.batchSizeRule, option: "--batch-size")
        _ = try parsePoolings(pool)
    }

    /// Sentences are encoded in chunks so memory stays flat on large inputs; each chunk is
    /// length-sorted on its own.
    static let chunk = 4096

    /// The output is opened first, so a destination that cannot be written is refused before any work, and
    /// every way out (an error, Ctrl-C, SIGTERM) leaves it as it was: the output is only renamed into place
    /// when complete (`OutputFile`).
    func run() throws {
        StopRequest.install()
        let writer = try OutputFile(URL(fileURLWithPath: output))
        let lines = try TextFile(contentsOf: input, unreadableFix: "check the path of --input").lines
        let (model, tokenizer, _) = try modelOptions.load()
        let layerList = try parseLayers(layers, numLayers: model.config.numHiddenLayers)
        let poolings = try parsePoolings(pool)
        let encoder = try SentenceEncoder(model: model, tokenizer: tokenizer, maxLength: maxLength, batchSize: batchSize)
        let bar = ProgressBar(total: lines.count, label: "encode")
        var buffer = ""
        for start in stride(from: 0, to: lines.count, by: Self.chunk) {
            let slice = Array(lines[start..<min(start + Self.chunk, lines.count)])
            let encodings = encoder.tokenize(slice)
            let features = try encoder.encode(encodings, layers: layerList, poolings: poolings,
                                              naming: { "\(input):\(start + $0 + 1)" }, progress: { bar.update(start + $0) })
            for i in 0..<slice.count {
                buffer += Self.jsonLine(index: start + i, ids: encodings[i].inputIds, features: features,
                                        sentence: i, poolings: poolings)
                if buffer.utf8.count > 1 << 20 { try writer.write(buffer); buffer = "" }
            }
        }
        try writer.write(buffer)
        try writer.commit()
        bar.finish(extra: "→ \(output)")
    }

    static func jsonLine(index: Int, ids: [Int32], features: PooledFeatures, sentence: Int, poolings: [Pooling]) -> String {
        var s = "{\"index\": \(index), \"input_ids\": [" + ids.map(String.init).joined(separator: ", ") + "]"
        for p in poolings {
            s += ", \"\(p.rawValue)\": ["
            for k in features.layers.indices {
                if k > 0 { s += ", " }
                s += "[" + features.vector(p, sentence: sentence, layerIndex: k).map { "\($0)" }.joined(separator: ", ") + "]"
            }
            s += "]"
        }
        return s + "}\n"
    }
}
