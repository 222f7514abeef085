import ArgumentParser
import BermoRuntime
import Foundation

/// Options every model-using command shares.
struct ModelOptions: ParsableArguments {
    @Option(help: "A registered model name (minilm-l6) or a Hugging Face BERT directory (config.json, model.safetensors, vocab.txt).")
    var model: String = "minilm-l6"

    @Option(help: "Worker threads for all kernels (OpenBLAS is pinned to one thread; bermo owns the cores).")
    var threads: Int = Compute.defaultThreads

    func validate() throws { try OptionRules.check(threads, Compute.threadsRule, option: "--threads") }

    /// Resolves (fetching if needed) and loads the model and its tokenizer.
    func load(numLabels: Int? = nil, mix: MixConfig? = nil, seed: UInt64 = 0) throws -> (BertModel, BertTokenizer, URL) {
        Compute.configure(threads: threads)
        noteNarrowBLASKernels()
        let dir = try ModelStore().resolve(model) { FileHandle.standardError.write(Data(("bermo: " + $0 + "\n").utf8)) }
        let (model, tokenizer) = try BertModel.loadWithTokenizer(directory: dir, numLabels: numLabels, mix: mix, seed: seed)
        for note in model.notes { FileHandle.standardError.write(Data("bermo: note: \(note)\n".utf8)) }
        return (model, tokenizer, dir)
    }
}

/// Parses `all` or a comma list of hidden-state indices.
func parseLayers(_ text: String, numLayers: Int) throws -> [Int] {
    if text == "all" { return Array(0...numLayers) }
    var out: [Int] = []
    for part in text.split(separator: ",") {
        guard let l = Int(part.trimmingCharacters(in: .whitespaces)), (0...numLayers).contains(l) else {
            throw ValidationFailure("--layers: '\(part)' is not a hidden-state index of this model; use 'all' or numbers in 0...\(numLayers) (0 = embeddings), e.g. 0,3,\(numLayers)")
        }
        out.append(l)
    }
    guard !out.isEmpty else { throw ValidationFailure("--layers is empty; use 'all' or e.g. 0,3,\(numLayers)") }
    return out
}

func parsePoolings(_ text: String) throws -> [Pooling] {
    try text.split(separator: ",").map {
        guard let p = Pooling(rawValue: $0.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationFailure("--pool: '\($0)' is not a pooling; choose from cls, mean (comma-separated)")
        }
        return p
    }
}

/// Says once per process when the environment pinned OpenBLAS to AVX2 kernels on an AVX-512 CPU.
func noteNarrowBLASKernels() {
    if let note = BLASCore.narrowKernelNote() { BLASNoteOnce.emit(note) }
}

private enum BLASNoteOnce {
    nonisolated(unsafe) static var said = false
    static func emit(_ note: String) {
        guard !said else { return }
        said = true
        FileHandle.standardError.write(Data("bermo: note: \(note)\n".utf8))
    }
}
