import BermoTestSupport
@testable import BermoRuntime
import Foundation
import Testing

/// config.json is checked against the safetensors header before the model's buffer is allocated: absurd sizes
/// used to allocate gigabytes (or abort in the allocator) before any tensor was looked at.
@Suite("Hostile models: config.json against the checkpoint's tensors")
struct CheckpointMatchTests {
    /// A tiny model folder (two layers, 32 wide, real vocabulary) whose weights `edit` may change.
    static func tinyFolder(_ directory: TemporaryDirectory, edit: (BertModel) -> Void = { _ in }) throws -> URL {
        let folder = directory.file("tiny")
        try ModelFolders.writeTiny(to: folder, edit: edit)
        return folder
    }

    /// Writes `tensors` of a tiny model as the folder's weights (for missing or mistyped tensors).
    static func rewriteWeights(_ folder: URL, _ transform: ([(name: String, shape: [Int], values: [Float])]) -> [(name: String, shape: [Int], values: [Float])]) throws {
        let file = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))
        let tensors = try file.tensorNames.map { (name: $0, shape: file.info($0)!.shape, values: try file.floats($0)) }
        let changed = transform(tensors)
        let pointers = changed.map { t in (name: t.name, shape: t.shape, values: UnsafeMutableBufferPointer<Float>.allocate(capacity: t.values.count)) }
        defer { for p in pointers { p.values.deallocate() } }
        for (p, t) in zip(pointers, changed) { _ = p.values.initialize(from: t.values) }
        try SafetensorsWriter.write(pointers.map { ($0.name, $0.shape, UnsafeBufferPointer($0.values)) },
                                    to: folder.appendingPathComponent("model.safetensors"))
    }

    @Test("sizes the weights cannot hold are refused from the header, before allocating", arguments: [
        ["num_hidden_layers": 60],
        // Far past what this machine could allocate: only a check before allocation survives it.
        ["num_hidden_layers": 1024, "hidden_size": 65_536, "num_attention_heads": 64, "intermediate_size": 262_144],
        ["vocab_size": 9_000_000],
        ["max_position_embeddings": 1_000_000],
    ] as [[String: Int]])
    func impliedParametersBeyondThePayload(fields: [String: Int]) throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let folder = try ModelFolders.realCopy(in: directory.url)
        try ModelFolders.editConfig(in: folder) { config in for (k, v) in fields { config[k] = v } }
        let error = #expect(throws: RuntimeError.self) { try BertModel.load(directory: folder) }
        let message = error?.message ?? ""
        #expect(message.hasPrefix(folder.appendingPathComponent("config.json").path), "\(message)")
        #expect(message.contains("parameters") && message.contains("model.safetensors holds"), "\(message)")
    }

    @Test func aSizeThatDisagreesWithATensorNamesBoth() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let folder = try Self.tinyFolder(directory)
        try ModelFolders.editConfig(in: folder) { $0["intermediate_size"] = 48 }
        let error = #expect(throws: RuntimeError.self) { try BertModel.load(directory: folder) }
        let message = error?.message ?? ""
        #expect(message.contains("model.safetensors does not match its config.json"), "\(message)")
        #expect(message.contains("intermediate.dense.weight: checkpoint [64, 32], config.json implies [48, 32]"), "\(message)")
    }

    @Test func aMissingEncoderTensorIsNamed() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let folder = try Self.tinyFolder(directory)
        try Self.rewriteWeights(folder) { $0.filter { $0.name != "bert.encoder.layer.1.output.dense.bias" } }
        let error = #expect(throws: RuntimeError.self) { try BertModel.load(directory: folder) }
        #expect(error?.message.contains("lacks 1 tensor(s)") == true && error?.message.contains("encoder.layer.1.output.dense.bias") == true,
                "\(error?.message ?? "")")
    }

    @Test func aWeightStoredAsIntegersIsRefusedBeforeAllocating() throws {
        let directory = try TemporaryDirectory(); defer { directory.cleanup() }
        let folder = try Self.tinyFolder(directory)
        // Re-label the LayerNorm bias (32 floats = 128 bytes) as 32 I32 values: same bytes, wrong type.
        let url = folder.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: url)
        let name = #""bert.embeddings.LayerNorm.bias":{"dtype":"F32""#
        let range = try #require(bytes.range(of: Data(name.utf8)))
        bytes.replaceSubrange(range, with: Data(name.replacingOccurrences(of: "F32", with: "I32").utf8))
        try bytes.write(to: url)
        let error = #expect(throws: RuntimeError.self) { try BertModel.load(directory: folder) }
        #expect(error?.message.contains("'bert.embeddings.LayerNorm.bias' is I32") == true, "\(error?.message ?? "")")
    }
}
