import BermoTestSupport
@testable import BermoRuntime
import Foundation
import Testing

/// Builds a safetensors file byte by byte, so tests control every field, including broken ones.
private func rawSafetensors(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let json = Array(header.utf8)
    var bytes: [UInt8] = []
    withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { bytes += $0 }
    return bytes + json + data
}

private func littleEndianBytes(_ values: [UInt16]) -> [UInt8] {
    values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
}

private func write(_ bytes: [UInt8], to url: URL) throws {
    try Data(bytes).write(to: url)
}

@Suite struct SafetensorsTests {
    @Test func writerRoundTripsThroughReader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("round.safetensors")
        let matrix: [Float] = [1, -2.5, 3.25, .infinity, -0.0, 0x1p-140]
        let vector: [Float] = [0.5, 7]
        let empty: [Float] = []
        try matrix.withUnsafeBufferPointer { m in
            try vector.withUnsafeBufferPointer { v in
                try empty.withUnsafeBufferPointer { e in
                    try SafetensorsWriter.write(
                        [("layer.weight", [2, 3], m), ("layer.bias", [2], v), ("nothing", [0, 4], e)],
                        metadata: ["format": "pt", "note": "quote \" and\nnewline"], to: url)
                }
            }
        }
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.tensorNames == ["layer.bias", "layer.weight", "nothing"])
        #expect(file.metadata == ["format": "pt", "note": "quote \" and\nnewline"])
        let info = try #require(file.info("layer.weight"))
        #expect(info.dtype == .f32)
        #expect(info.shape == [2, 3])
        #expect(info.byteCount == 24)
        #expect(try file.floats("layer.weight").map(\.bitPattern) == matrix.map(\.bitPattern))
        #expect(try file.floats("layer.bias") == vector)
        #expect(try file.floats("nothing") == [])
        // Tensors in the given order, data aligned to 8 bytes after the padded header.
        #expect(file.info("layer.weight")!.byteRange.lowerBound % 8 == 0)
        #expect(file.info("layer.weight")!.byteRange.upperBound == file.info("layer.bias")!.byteRange.lowerBound)

        var destination = [Float](repeating: 0, count: 2)
        try destination.withUnsafeMutableBufferPointer {
            try file.copyFloats("layer.bias", into: $0.baseAddress!, count: 2)
        }
        #expect(destination == vector)
    }

    @Test func writerReplacesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("w.safetensors")
        for value: Float in [1, 2] {
            try [value].withUnsafeBufferPointer {
                try SafetensorsWriter.write([("x", [1], $0)], to: url)
            }
        }
        #expect(try SafetensorsFile(contentsOf: url).floats("x") == [2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["w.safetensors"])
    }

    @Test func writerRejectsBadInputWithoutTouchingTheDestination() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("bad.safetensors")
        let values: [Float] = [1, 2, 3]
        #expect(throws: RuntimeError.self) {
            try values.withUnsafeBufferPointer { try SafetensorsWriter.write([("x", [2, 2], $0)], to: url) }
        }
        #expect(throws: RuntimeError.self) {
            try values.withUnsafeBufferPointer { try SafetensorsWriter.write([("x", [3], $0), ("x", [3], $0)], to: url) }
        }
        let missingDirectory = directory.url.appendingPathComponent("no/such/dir/x.safetensors")
        let error = #expect(throws: RuntimeError.self) {
            try values.withUnsafeBufferPointer { try SafetensorsWriter.write([("x", [3], $0)], to: missingDirectory) }
        }
        #expect(error?.message.contains(missingDirectory.path) == true)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func halfPrecisionKnownValues() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let halves: [UInt16] = [0x3C00, 0xC000, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, 0xFC00, 0x8000, 0x3555, 0x7E00]
        let brains: [UInt16] = [0x3F80, 0xC040, 0x0001, 0x7F80, 0xFF80, 0x4049, 0x7FC0, 0x8000]
        let header = """
            {"h":{"dtype":"F16","shape":[11],"data_offsets":[0,22]},\
            "b":{"dtype":"BF16","shape":[2,4],"data_offsets":[22,38]},\
            "d":{"dtype":"F64","shape":[2],"data_offsets":[38,54]}}
            """
        var doubles: [UInt8] = []
        for value in [0.1, -1e300] { withUnsafeBytes(of: value.bitPattern.littleEndian) { doubles += $0 } }
        let url = directory.file("half.safetensors")
        try write(rawSafetensors(header: header, data: littleEndianBytes(halves) + littleEndianBytes(brains) + doubles),
                  to: url)
        let file = try SafetensorsFile(contentsOf: url)

        let h = try file.floats("h")
        #expect(Array(h[0..<10]) == [1, -2, 0x1p-24, 1023 * 0x1p-24, 0x1p-14, 65504, .infinity, -.infinity, -0.0,
                                     0.333251953125])
        #expect(h[8].sign == .minus)
        #expect(h[10].isNaN)

        let b = try file.floats("b")
        #expect(Array(b[0..<6]) == [1, -3, 0x1p-133, .infinity, -.infinity, 3.140625])
        #expect(b[2].isSubnormal)
        #expect(b[6].isNaN)
        #expect(b[7] == 0 && b[7].sign == .minus)

        #expect(try file.floats("d") == [Float(0.1), -.infinity])
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func halfConversionMatchesFloat16ForEveryBitPattern() {
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = FloatConversion.float(fromHalfBits: bits)
            if expected.isNaN {
                #expect(actual.isNaN, "bits \(bits)")
            } else if actual.bitPattern != expected.bitPattern {
                Issue.record("F16 bits \(String(bits, radix: 16)): got \(actual), expected \(expected)")
            }
        }
    }
    #endif

    @Test func nonFloatTensorsAreListedButNotConverted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("ints.safetensors")
        try write(rawSafetensors(header: #"{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#,
                                 data: [7, 0, 0, 0, 0, 0, 0, 0]), to: url)
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.info("ids")?.dtype == .i64)
        let error = #expect(throws: RuntimeError.self) { try file.floats("ids") }
        #expect(error?.message.contains("I64") == true)
        #expect(error?.message.contains(url.path) == true)
        let first = try file.withUnsafeBytes(of: "ids") { $0.load(as: Int64.self) }
        #expect(first == 7)
    }

    @Test func missingTensorAndWrongCountNameTheFileAndTensor() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("m.safetensors")
        try [Float(1), 2].withUnsafeBufferPointer {
            try SafetensorsWriter.write([("bert.pooler.bias", [2], $0)], to: url)
        }
        let file = try SafetensorsFile(contentsOf: url)
        let missing = #expect(throws: RuntimeError.self) { try file.floats("pooler.bias") }
        #expect(missing?.message.contains(url.path) == true)
        #expect(missing?.message.contains("'pooler.bias'") == true)
        #expect(missing?.message.contains("did you mean 'bert.pooler.bias'") == true)

        var buffer = [Float](repeating: 0, count: 3)
        let wrongCount = #expect(throws: RuntimeError.self) {
            try buffer.withUnsafeMutableBufferPointer {
                try file.copyFloats("bert.pooler.bias", into: $0.baseAddress!, count: 3)
            }
        }
        #expect(wrongCount?.message.contains("bert.pooler.bias") == true)
        #expect(wrongCount?.message.contains("3") == true)
    }

    struct Corruption: CustomTestStringConvertible, Sendable {
        var label: String
        var bytes: [UInt8]
        var expected: String
        var testDescription: String { label }
    }

    static let tensor = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    static let eight: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64]

    static let corruptions: [Corruption] = [
        Corruption(label: "empty file", bytes: [], expected: "is empty"),
        Corruption(label: "shorter than the length field", bytes: [1, 2, 3], expected: "is truncated"),
        Corruption(label: "header length beyond file size",
                   bytes: rawSafetensors(header: tensor, data: eight, declaredLength: 90_000), expected: "90000 bytes"),
        Corruption(label: "header length of 2^64-1",
                   bytes: rawSafetensors(header: tensor, data: eight, declaredLength: .max), expected: "truncated"),
        Corruption(label: "git lfs pointer",
                   bytes: Array("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 90868376\n".utf8),
                   expected: "Git LFS pointer"),
        Corruption(label: "header not UTF-8",
                   bytes: rawSafetensors(header: "{\"w\u{FF}\":1}").map { $0 == 0xC3 ? 0xFF : $0 }, expected: "UTF-8"),
        Corruption(label: "header not JSON", bytes: rawSafetensors(header: "{not json"), expected: "not valid JSON"),
        Corruption(label: "header a JSON array", bytes: rawSafetensors(header: "[1, 2]"), expected: "the top level is not a JSON object"),
        Corruption(label: "missing dtype",
                   bytes: rawSafetensors(header: #"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, data: eight),
                   expected: "'w'.dtype"),
        Corruption(label: "shape not integers",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}"#, data: eight),
                   expected: "'w'.shape[0]"),
        Corruption(label: "unknown dtype",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F128","shape":[2],"data_offsets":[0,8]}}"#, data: eight),
                   expected: "unknown dtype 'F128'"),
        Corruption(label: "negative dimension",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: eight),
                   expected: "negative dimension"),
        Corruption(label: "three offsets",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}"#, data: eight),
                   expected: "expected [begin, end]"),
        Corruption(label: "reversed offsets",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: eight),
                   expected: "not a valid byte range"),
        Corruption(label: "offsets do not match shape times dtype",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight),
                   expected: "needs 12 bytes"),
        Corruption(label: "shape overflows",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#,
                                         data: eight),
                   expected: "too large"),
        Corruption(label: "offsets beyond the data",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 128, 63]),
                   expected: "header says 8 bytes of tensor data but the file has 4"),
        Corruption(label: "overlapping tensors",
                   bytes: rawSafetensors(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                                         data: eight),
                   expected: "overlap"),
        Corruption(label: "gap between tensors",
                   bytes: rawSafetensors(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight),
                   expected: "belong to no tensor"),
        Corruption(label: "bytes after the last tensor",
                   bytes: rawSafetensors(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: eight),
                   expected: "4 bytes after the last tensor"),
        Corruption(label: "offsets near Int.max",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[9223372036854775799,9223372036854775807]}}"#,
                                         data: eight),
                   expected: "belong to no tensor"),
        Corruption(label: "offsets beyond Int",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551616]}}"#, data: eight),
                   expected: "'w'.data_offsets[1]"),
        Corruption(label: "fractional dimension",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, data: eight),
                   expected: "'w'.shape[0]"),
        Corruption(label: "tensor entry not an object",
                   bytes: rawSafetensors(header: #"{"w":[1,2]}"#, data: eight), expected: "'w'"),
        Corruption(label: "one tensor named twice (JSON readers disagree on which entry counts)",
                   bytes: rawSafetensors(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                                         data: eight),
                   expected: "names tensor 'w' twice"),
        Corruption(label: "metadata not strings",
                   bytes: rawSafetensors(header: #"{"__metadata__":{"format":1}}"#), expected: "'__metadata__'.format"),
    ]

    @Test(arguments: corruptions)
    func corruptFilesAreRejectedWithTheFileNamed(_ corruption: Corruption) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("corrupt.safetensors")
        try write(corruption.bytes, to: url)
        let error = #expect(throws: RuntimeError.self) { try SafetensorsFile(contentsOf: url) }
        #expect(error?.message.contains(url.path) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(corruption.expected) == true, "\(error?.message ?? "")")
    }

    /// The reference implementation refuses headers over 100 MB before parsing them; so does bermo, so a
    /// hostile file cannot make it decode gigabytes of JSON. The file is sparse: it takes no disk space.
    @Test func headerOverOneHundredMegabytesIsRefusedUnread() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let url = directory.file("huge-header.safetensors")
        let declared = UInt64(100_000_001)
        try write(rawSafetensors(header: "{", declaredLength: declared), to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 8 + declared + 8)
        try handle.close()
        let error = #expect(throws: RuntimeError.self) { try SafetensorsFile(contentsOf: url) }
        #expect(error?.message.contains("\(url.path) has a 100000001-byte header") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("100000000") == true, "\(error?.message ?? "")")
    }

    @Test func missingFileAndDirectoryAreReported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let absent = directory.file("absent.safetensors")
        let missing = #expect(throws: RuntimeError.self) { try SafetensorsFile(contentsOf: absent) }
        #expect(missing?.message.contains("\(absent.path) does not exist") == true)
        let folder = #expect(throws: RuntimeError.self) { try SafetensorsFile(contentsOf: directory.url) }
        #expect(folder?.message.contains("is a directory") == true)
    }

    @Test func truncatedRealCheckpointIsReportedAsTruncated() throws {
        let original = try TestModel.minilmDirectory().appendingPathComponent("model.safetensors")
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let bytes = try Data(contentsOf: original, options: .alwaysMapped)
        let cut = directory.file("cut.safetensors")
        try bytes.prefix(1_000_000).write(to: cut)
        let error = #expect(throws: RuntimeError.self) { try SafetensorsFile(contentsOf: cut) }
        #expect(error?.message.contains("\(cut.path) is truncated: header says 90856960 bytes of tensor data") == true,
                "\(error?.message ?? "")")
        #expect(error?.message.contains("download it again") == true)

        let headerCut = directory.file("header-cut.safetensors")
        try bytes.prefix(1200).write(to: headerCut)
        let headerError = #expect(throws: RuntimeError.self) { try SafetensorsFile(contentsOf: headerCut) }
        #expect(headerError?.message.contains("\(headerCut.path) is truncated") == true)
    }

    @Test func realCheckpointHasTheBertTensors() throws {
        let file = try TestModel.minilmCheckpoint()
        #expect(file.tensorNames.count == 104)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.info("embeddings.word_embeddings.weight")?.shape == [30522, 384])
        #expect(file.info("embeddings.position_embeddings.weight")?.shape == [512, 384])
        #expect(file.info("embeddings.token_type_embeddings.weight")?.shape == [2, 384])
        #expect(file.info("embeddings.position_ids")?.dtype == .i64)
        #expect(file.info("pooler.dense.weight")?.shape == [384, 384])
        for layer in 0..<6 {
            let prefix = "encoder.layer.\(layer)."
            #expect(file.info(prefix + "attention.self.query.weight")?.shape == [384, 384])
            #expect(file.info(prefix + "intermediate.dense.weight")?.shape == [1536, 384])
            #expect(file.info(prefix + "output.dense.weight")?.shape == [384, 1536])
            #expect(file.info(prefix + "output.LayerNorm.bias")?.shape == [384])
            #expect(file.tensorNames.filter { $0.hasPrefix(prefix) }.count == 16)
        }
        for name in file.tensorNames where file.info(name)!.dtype != .i64 {
            #expect(file.info(name)?.dtype == .f32, "\(name)")
        }

        // Values agree with Python's safetensors.numpy.load_file on the same file.
        let gamma = try file.floats("embeddings.LayerNorm.weight")
        #expect(Array(gamma.prefix(3)) == [0.5989283323287964, 0.583594799041748, 0.6335410475730896])
        #expect(abs(gamma.reduce(0.0) { $0 + Double($1) } - 236.85435231029987) < 1e-9)
        let words = try file.floats("embeddings.word_embeddings.weight")
        #expect(words.count == 30522 * 384)
        #expect(Array(words[101 * 384 ..< 101 * 384 + 3]) == [-0.01761939749121666, -0.007600549608469009, 0.047105543315410614])
        #expect(words.last == 0.004570063669234514)
        let positions = try file.withUnsafeBytes(of: "embeddings.position_ids") { raw in
            (0..<5).map { i in Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
        }
        #expect(positions == [0, 1, 2, 3, 4])
    }
}
