import Foundation

/// The parsed and fully validated header of a safetensors file.
///
/// Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the tensor data. The JSON maps
/// each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` with offsets relative to the
/// start of the data, plus an optional `"__metadata__"` object of strings.
///
/// Validation follows the reference implementation so that what it rejects bermo rejects too: offsets must
/// tile the data section exactly (no overlap, no gap, nothing after the last tensor) and each byte range must
/// equal element count times element size. Everything is checked here, once, so that reading a tensor later
/// can trust the ranges and never reads outside the mapping.
struct SafetensorsHeader {
    var tensors: [String: TensorInfo]
    var metadata: [String: String]

    /// Parses `bytes`, the whole file; `path` is only used in error messages.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> SafetensorsHeader {
        let fileSize = bytes.count
        guard fileSize >= 8 else {
            if fileSize == 0 {
                throw RuntimeError("\(path) is empty; download the checkpoint again")
            }
            throw RuntimeError("\(path) is truncated: it has \(fileSize) bytes, fewer than the 8-byte header "
                + "length every safetensors file starts with; download it again")
        }
        if looksLikeGitLFSPointer(bytes) {
            throw RuntimeError("\(path) is a Git LFS pointer, not the checkpoint itself; "
                + "run `git lfs pull` in the model's repository or download the file directly")
        }
        let declared = bytes.loadUnaligned(as: UInt64.self).littleEndian
        let available = fileSize - 8
        guard declared <= UInt64(available) else {
            throw RuntimeError("\(path) is truncated or not a safetensors file: its header length field says "
                + "\(declared) bytes but only \(available) bytes follow it; download it again")
        }
        let headerLength = Int(declared)
        guard headerLength >= 2 else {
            throw RuntimeError("\(path) has a \(headerLength)-byte header, too short for a JSON object; "
                + "the file is damaged or not a safetensors file, download it again")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw RuntimeError("\(path) has a header that is not valid UTF-8; the file is damaged or not a "
                + "safetensors file, download it again")
        }

        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(headerBytes))
        } catch let error as DecodingError {
            throw RuntimeError("\(path) has an invalid safetensors header: \(DecodingErrorText.describe(error)); "
                + "the file is damaged or was written by a broken tool, download or export it again")
        } catch let error as RuntimeError {
            throw RuntimeError("\(path) has an invalid safetensors header: \(error.message); "
                + "the file is damaged or was written by a broken tool, download or export it again")
        }

        let dataStart = 8 + headerLength
        let dataLength = fileSize - dataStart
        var tensors: [String: TensorInfo] = [:]
        var spans: [(name: String, begin: Int, end: Int)] = []
        for (name, entry) in raw.entries {
            let fix = "the file is damaged or was written by a broken tool, export it again"
            guard let dtype = DType(rawValue: entry.dtype) else {
                let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
                throw RuntimeError("\(path): tensor '\(name)' has unknown dtype '\(entry.dtype)' (known: \(known)); "
                    + "re-save the checkpoint in float32, e.g. with transformers' save_pretrained")
            }
            guard entry.shape.allSatisfy({ $0 >= 0 }) else {
                throw RuntimeError("\(path): tensor '\(name)' has a negative dimension in shape \(entry.shape); \(fix)")
            }
            guard entry.dataOffsets.count == 2 else {
                throw RuntimeError("\(path): tensor '\(name)' has data_offsets \(entry.dataOffsets), "
                    + "expected [begin, end]; \(fix)")
            }
            let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
            guard begin >= 0, begin <= end else {
                throw RuntimeError("\(path): tensor '\(name)' has data_offsets [\(begin), \(end)], "
                    + "which is not a valid byte range; \(fix)")
            }
            guard let expected = byteCount(shape: entry.shape, dtype: dtype) else {
                throw RuntimeError("\(path): tensor '\(name)' has shape \(entry.shape), too large to address; \(fix)")
            }
            guard end - begin == expected else {
                throw RuntimeError("\(path): tensor '\(name)' has shape \(entry.shape) of \(dtype), which needs "
                    + "\(expected) bytes, but its data_offsets [\(begin), \(end)] span \(end - begin); \(fix)")
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: entry.shape,
                                       byteRange: (dataStart + begin)..<(dataStart + end))
            spans.append((name, begin, end))
        }

        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: String?
        for span in spans {
            if span.begin < covered, let previous {
                throw RuntimeError("\(path): tensors '\(previous)' and '\(span.name)' overlap (bytes \(span.begin)"
                    + "..<\(covered) of the data are claimed by both); the file is damaged, export it again")
            }
            if span.begin > covered {
                throw RuntimeError("\(path): bytes \(covered)..<\(span.begin) of the tensor data belong to no "
                    + "tensor (before '\(span.name)'); the file is damaged, export it again")
            }
            covered = span.end
            previous = span.name
        }
        if covered > dataLength {
            throw RuntimeError("\(path) is truncated: header says \(covered) bytes of tensor data but the file has "
                + "\(dataLength); download it again")
        }
        if covered < dataLength {
            throw RuntimeError("\(path) has \(dataLength - covered) bytes after the last tensor that the header "
                + "does not describe; the file is damaged or was appended to, download or export it again")
        }
        return SafetensorsHeader(tensors: tensors, metadata: raw.metadata)
    }

    /// Element count times element size, or nil on overflow (a hostile header must not trap).
    static func byteCount(shape: [Int], dtype: DType) -> Int? {
        var total = dtype.byteSize
        for dimension in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// Hugging Face clones made without git-lfs leave ~130-byte text stubs in place of checkpoints; saying so
    /// is far more helpful than reporting a nonsensical header length.
    private static func looksLikeGitLFSPointer(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let prefix = Array("version https://git-lfs".utf8)
        return bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 }
    }
}

/// The header JSON as written, before any checks beyond JSON types.
private struct RawHeader: Decodable {
    struct Entry: Decodable {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]
        enum CodingKeys: String, CodingKey {
            case dtype, shape
            case dataOffsets = "data_offsets"
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var entries: [(String, Entry)] = []
    var metadata: [String: String] = [:]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
            }
        }
    }
}
