import ArgumentParser
import BermoRuntime
import Foundation

/// Options every model-using command shares.
struct ModelOptions: ParsableArguments {
    @Option(help: "A registered model name (minilm-l6) or a Hugging Face BERT directory (config.json, model.safetensors, and tokenizer.json, vocab.txt, or vocab.json with merges.txt).")
    var model: String = "minilm-l6"

    @Option(help: "Worker threads for all kernels (OpenBLAS is pinned to one thread; bermo owns the cores).")
    var threads: Int = Compute.defaultThreads

    func validate() throws { try OptionRules.check(threads, Compute.threadsRule, option: "--threads") }

    /// Resolves (fetching if needed) and loads the model and its tokenizer.
    func load(numLabels: Int? = nil, mix: MixConfig? = nil, seed: UInt64 = 0) throws -> (BertModel, Tokenizer, URL) {
        Compute.configure(threads: threads)
        noteNarrowBLASKernels()
        let dir = try ModelStore().resolve(model) { StandardError.write("bermo: " + $0 + "\n") }
        let (model, tokenizer) = try BertModel.loadWithTokenizer(directory: dir, numLabels: numLabels, mix: mix, seed: seed)
        for note in model.notes { StandardError.write("bermo: note: \(note)\n") }
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

/// Parses a comma list of poolings (`cls,mean`), each at most once (twice would write one JSON key twice),
/// at least one (`SentenceEncoder.poolingsRule`: with none, records would carry no vectors).
func parsePoolings(_ text: String) throws -> [Pooling] {
    var poolings: [Pooling] = []
    for part in text.split(separator: ",") {
        guard let p = Pooling(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
            throw OptionRules.rejected("`--pool`: \(VisibleText.quoted(part)) is not a pooling; choose from cls, mean (comma-separated)")
        }
        guard !poolings.contains(p) else { throw OptionRules.rejected("`--pool`: '\(p.rawValue)' is given twice; name each pooling once") }
        poolings.append(p)
    }
    try OptionRules.check(poolings, SentenceEncoder.poolingsRule, option: "--pool")
    return poolings
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
        StandardError.write("bermo: note: \(note)\n")
    }
}
