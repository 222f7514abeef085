import Foundation

/// Checks that a folder is a Hugging Face BERT model bermo can load, before anything is read from it.
///
/// The runtime reads weights only from safetensors (a PyTorch `.bin` is a pickle, which cannot be read safely
/// or without PyTorch), so a folder that has only `pytorch_model.bin` gets the few lines of Python that convert it.
public enum ModelDirectory {
    /// What every model folder must contain: hyperparameters, weights and the WordPiece vocabulary.
    public static let requiredFiles = ["config.json", "model.safetensors", "vocab.txt"]

    public static func validate(_ directory: URL) throws {
        let path = directory.path
        let fileManager = FileManager.default
        func exists(_ name: String) -> Bool {
            fileManager.fileExists(atPath: directory.appendingPathComponent(name).path)
        }
        let missing = requiredFiles.filter { !exists($0) }
        if missing.isEmpty { return }

        if missing.contains("model.safetensors") {
            if exists("model.safetensors.index.json") {
                throw RuntimeError("\(path) holds a sharded checkpoint (model.safetensors.index.json), which bermo "
                    + "does not read; save it as one file:\n" + conversionSnippet(path, extra: ", max_shard_size=\"100GB\""))
            }
            if exists("pytorch_model.bin") {
                throw RuntimeError("\(path) has only pytorch_model.bin; bermo reads weights from model.safetensors "
                    + "only. Convert it once with Python (pip install transformers torch):\n"
                    + conversionSnippet(path, extra: ""))
            }
        }
        var hints: [String] = []
        if missing.contains("vocab.txt") && exists("tokenizer.json") {
            hints.append("vocab.txt can be written from tokenizer.json with: python3 -c \"from transformers import "
                + "AutoTokenizer; AutoTokenizer.from_pretrained('\(path)').save_pretrained('\(path)')\"")
        }
        let present = ((try? fileManager.contentsOfDirectory(atPath: path)) ?? []).sorted()
        throw RuntimeError("\(path) is not a complete Hugging Face BERT model folder: missing "
            + missing.joined(separator: ", ") + " (it has: "
            + (present.isEmpty ? "nothing" : present.joined(separator: ", ")) + "). "
            + "Download the missing files from the model's Hub page into that folder"
            + (hints.isEmpty ? "" : "; " + hints.joined(separator: "; ")))
    }

    /// Three lines of Python that re-save a model folder with safetensors weights, in place.
    static func conversionSnippet(_ path: String, extra: String) -> String {
        """
            from transformers import AutoModel
            model = AutoModel.from_pretrained("\(path)")
            model.save_pretrained("\(path)", safe_serialization=True\(extra))
        """
    }
}
