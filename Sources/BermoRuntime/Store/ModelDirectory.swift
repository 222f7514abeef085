import Foundation

/// Checks that a folder is a Hugging Face BERT model bermo can load, before anything is read from it.
///
/// The runtime reads weights only from safetensors (a PyTorch `.bin` is a pickle, which cannot be read safely
/// or without PyTorch), so a folder that has only `pytorch_model.bin` gets the few lines of Python that convert it.
public enum ModelDirectory {
    /// What every model folder must contain besides a tokenizer: hyperparameters and weights.
    public static let requiredFiles = ["config.json", "model.safetensors"]

    /// What a complete folder holds, as messages say it.
    public static let contents = requiredFiles.joined(separator: ", ") + " and a tokenizer ("
        + TokenizerLayout.description + ")"

    /// Whether `directory` holds the required files and a tokenizer (judged by the files' presence only).
    public static func isComplete(_ directory: URL) -> Bool {
        requiredFiles.allSatisfy { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
            && (try? TokenizerLayout(directory: directory)) != nil
    }

    public static func validate(_ directory: URL) throws {
        let path = directory.path
        let fileManager = FileManager.default
        func exists(_ name: String) -> Bool {
            fileManager.fileExists(atPath: directory.appendingPathComponent(name).path)
        }
        var missing = requiredFiles.filter { !exists($0) }
        var tokenizerProblem: String?
        do { _ = try TokenizerLayout(directory: directory) } catch let error as RuntimeError { tokenizerProblem = error.message }
        if missing.isEmpty, let tokenizerProblem { throw RuntimeError(tokenizerProblem) }
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
        if tokenizerProblem != nil { missing.append("a tokenizer (\(TokenizerLayout.description))") }
        let present = ((try? fileManager.contentsOfDirectory(atPath: path)) ?? []).sorted()
        throw RuntimeError("\(path) is not a complete Hugging Face BERT model folder: missing "
            + missing.joined(separator: ", ") + " (it has: "
            + (present.isEmpty ? "nothing" : present.joined(separator: ", ")) + "). "
            + "Download the missing files from the model's Hub page into that folder")
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
