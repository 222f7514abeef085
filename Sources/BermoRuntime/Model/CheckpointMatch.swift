import Foundation

/// Which checkpoint tensor fills each tensor of a model's `ParameterLayout`, worked out from the safetensors
/// header alone: no tensor data is read and nothing is allocated, so a config.json that does not describe the
/// weights is refused before the model's buffer of `layout.total` floats exists (absurd sizes used to allocate
/// gigabytes, or abort in the allocator, before any tensor was looked at).
///
/// In order: the embeddings and encoder config.json implies (every checkpoint must provide them) must fit in the
/// file at all, at 2 bytes a value (F16 and BF16, the smallest float types bermo reads); then each of them must
/// be present, with the layout's shape and a float dtype. The pooler, the BERMo mix and the classifier are taken
/// when present with the right shape and initialised fresh otherwise, each case noted (unless `requireHead`:
/// resuming a run needs its own head, not a fresh one).
struct CheckpointMatch {
    /// The checkpoint tensor that fills each layout tensor; nil: initialise it fresh.
    var sources: [(tensor: ParameterLayout.Tensor, checkpointName: String?)] = []
    /// What matching noticed but did not fail on (fresh tensors, ignored ones).
    var notes: [String] = []

    /// - Parameters:
    ///   - path: the safetensors file, for messages.
    ///   - configPath: the config.json the layout was built from, for messages (nil: a model built in memory).
    init(layout: ParameterLayout, checkpoint: SafetensorsFile, path: String, configPath: String?, requireHead: Bool) throws {
        let required = layout.tensors.filter { $0.group == .embeddings || $0.group == .encoder }
        let requiredValues = required.reduce(0) { $0 + $1.count }
        if requiredValues > checkpoint.fileSize / 2 {
            let source = configPath ?? "the model's configuration"
            throw RuntimeError("\(source) implies \(requiredValues) parameters for the embeddings and encoder (at least "
                + "\(Self.size(2 * requiredValues)) even as 16-bit floats), but \(Self.fileName(path)) holds "
                + "\(Self.size(checkpoint.fileSize)) in all; config.json does not describe these weights: check "
                + "num_hidden_layers, hidden_size, intermediate_size, vocab_size and max_position_embeddings against the "
                + "model's original config.json")
        }
        func fresh(_ t: ParameterLayout.Tensor, _ note: String) {
            sources.append((t, nil))
            notes.append(note)
        }
        var used = Set<String>(), missing: [String] = [], wrongShape: [String] = [], notFloat: [String] = []
        let available = Set(checkpoint.tensorNames)
        for t in layout.tensors {
            let mustLoad = t.group == .embeddings || t.group == .encoder || requireHead
            guard let name = [t.name, "bert." + t.name].first(where: available.contains), let info = checkpoint.info(name) else {
                if mustLoad { missing.append(t.name) } else { fresh(t, "\(t.name) is not in the checkpoint; initialised fresh") }
                continue
            }
            used.insert(name)
            guard info.shape == t.shape else {
                if mustLoad || t.group == .pooler { wrongShape.append("\(name): checkpoint \(info.shape), config.json implies \(t.shape)") }
                else { fresh(t, "\(name) has shape \(info.shape), this head needs \(t.shape); initialised fresh") }
                continue
            }
            guard info.dtype.canConvertToFloat else { notFloat.append("'\(name)' is \(info.dtype)"); continue }
            sources.append((t, name))
        }
        if !missing.isEmpty {
            throw RuntimeError("""
                \(path) lacks \(missing.count) tensor(s) a BERT encoder needs: \(missing.prefix(8).joined(separator: ", "))\
                \(missing.count > 8 ? ", …" : ""). Is this a BERT checkpoint whose config.json matches it?
                """)
        }
        if !wrongShape.isEmpty {
            throw RuntimeError("\(path) does not match its config.json: \(wrongShape.prefix(4).joined(separator: "; ")). "
                + "Check hidden_size, intermediate_size, vocab_size and num_hidden_layers.")
        }
        if !notFloat.isEmpty {
            throw RuntimeError("\(path): tensor \(notFloat.prefix(4).joined(separator: ", ")), not a float type (F32, F16, "
                + "BF16, F64), so it cannot hold weights; re-export the checkpoint in float32, e.g. with transformers' save_pretrained")
        }
        let ignored = available.subtracting(used).sorted()
        if !ignored.isEmpty {
            notes.append("ignored \(ignored.count) checkpoint tensor(s) this model does not use: \(ignored.prefix(6).joined(separator: ", "))\(ignored.count > 6 ? ", …" : "")")
        }

    }

    private static func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    /// `90.9 MB`, `7.1 GB`: sizes as people read them.
    static func size(_ bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}
