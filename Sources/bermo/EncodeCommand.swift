import ArgumentParser
import BermoRuntime
import Foundation

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode sentences (one per line) into per-layer [CLS] and mean-pooled vectors (JSON Lines).")

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "UTF-8 text file, one sentence per line (only the final newline is dropped).")
    var input: String
    @Option(help: "Output JSON Lines file, one object per input line, in order. Written atomically.")
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
    }

    /// Sentences are encoded in chunks so memory stays flat on large inputs; each chunk is
    /// length-sorted on its own.
    static let chunk = 4096

    func run() throws {
        let lines = try TextLines.read(input)
        let (model, tokenizer, _) = try modelOptions.load()
        let layerList = try parseLayers(layers, numLayers: model.config.numHiddenLayers)
        let poolings = try parsePoolings(pool)
        let encoder = try SentenceEncoder(model: model, tokenizer: tokenizer, maxLength: maxLength, batchSize: batchSize)
        let writer = try AtomicLineWriter(path: output)
        let bar = ProgressBar(total: lines.count, label: "encode")
        for start in stride(from: 0, to: lines.count, by: Self.chunk) {
            let slice = Array(lines[start..<min(start + Self.chunk, lines.count)])
            let encodings = encoder.tokenize(slice)
            let features = try encoder.encode(encodings, layers: layerList, poolings: poolings,
                                              naming: { "\(input):\(start + $0 + 1)" }, progress: { bar.update(start + $0) })
            for i in 0..<slice.count {
                writer.write(Self.jsonLine(index: start + i, ids: encodings[i].inputIds, features: features,
                                           sentence: i, poolings: poolings))
            }
        }
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

/// Writes to a temporary file beside the target and renames it into place on `commit()`, so a
/// reader never sees half a file and an interrupted run leaves the previous output intact.
final class AtomicLineWriter {
    let path: String
    let tmp: String
    let handle: FileHandle
    private var buffer = Data()

    init(path: String) throws {
        self.path = path
        tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
            throw ValidationFailure("\(path): cannot create the output file (does its directory exist and is it writable?)")
        }
        handle = h
    }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        if buffer.count > 1 << 20 { handle.write(buffer); buffer.removeAll(keepingCapacity: true) }
    }

    func commit() throws {
        handle.write(buffer); buffer.removeAll()
        try handle.synchronize(); try handle.close()
        if rename(tmp, path) != 0 { throw ValidationFailure("\(path): could not move the finished output into place (errno \(errno))") }
    }

    deinit { unlink(tmp) }
}
