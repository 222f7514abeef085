import Foundation

/// The parsed and fully validated header of a safetensors file.
///
/// Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the tensor data. The JSON maps
/// each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` with offsets relative to the
/// start of the data, plus an optional `"__metadata__"` object of strings.
///
/// Validation follows the reference implementation so that what it rejects bermo rejects too: offsets must
/// tile the data section exactly (no overlap, no gap, nothing after the last tensor) and each byte range must
/// equal element count times element size, and a header over 100 MB is refused before it is parsed. Everything
/// is checked here, once, so that reading a tensor later can trust the ranges and never reads outside the
/// mapping; offsets are only added to the header's length once they are known to lie inside the file, so
/// offsets near `Int.max` cannot overflow.
struct SafetensorsHeader {
    var tensors: [String: TensorInfo]
    var metadata: [String: String]

    /// The reference implementation's limit (`MAX_HEADER_SIZE`): real headers are kilobytes, and a hostile one
    /// must not make bermo decode gigabytes of JSON.
    static let maxHeaderBytes = 100_000_000

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
        guard headerLength <= maxHeaderBytes else {
            throw RuntimeError("\(path) has a \(headerLength)-byte header, more than the \(maxHeaderBytes) bytes safetensors "
                + "allows; the file is damaged or not a safetensors file, download or export it again")
        }
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
            raw = try RawHeader(try JSONDecoder().decode(JSONValue.self, from: Data(headerBytes)))
        } catch {
            let problem = (error as? DecodingError).map { DecodingErrorText.describe($0) } ?? "\(error)"
            throw RuntimeError("\(path) has an invalid safetensors header: \(problem); "
                + "the file is damaged or was written by a broken tool, download or export it again")
        }

        if let d = JSONDuplicateKeys.first(in: headerBytes) {
            throw RuntimeError("\(path): the safetensors header names \(d.object.isEmpty ? "tensor" : "field in '\(d.object)'") "
                + "\(VisibleText.quoted(d.key)) twice; readers disagree on which entry counts, so the file is ambiguous: "
                + "the file is damaged or was written by a broken tool, export it again")
        }
        let dataStart = 8 + headerLength
        let dataLength = fileSize - dataStart
        var spans: [(name: String, begin: Int, end: Int, dtype: DType, shape: [Int])] = []
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
            spans.append((name, begin, end, dtype, entry.shape))
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
        // Every span now lies inside the data, so adding its start cannot overflow.
        var tensors: [String: TensorInfo] = [:]
        for span in spans {
            tensors[span.name] = TensorInfo(name: span.name, dtype: span.dtype, shape: span.shape,
                                            byteRange: (dataStart + span.begin)..<(dataStart + span.end))
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

/// The header JSON as written, before any checks beyond JSON types. Read from a `JSONValue` rather than
/// through `Decodable`, because Foundation reports a number that does not fit its type (a dimension of 2.5, an
/// offset past 2^63) as "not valid JSON" without saying where; here every such problem names its field.
private struct RawHeader {
    struct Entry {
        var dtype: String
        var shape: [Int]
        var dataOffsets: [Int]
    }

    /// One field's problem, as a clause ("field 'w'.shape[0] is 2.5, expected an integer").
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    var entries: [(String, Entry)] = []
    var metadata: [String: String] = [:]

    init(_ json: JSONValue) throws {
        guard case .object(let fields) = json else { throw Problem(description: "the top level is not a JSON object") }
        for (name, value) in fields {
            let field = "'\(name)'"
            guard case .object(let entry) = value else { throw Self.wrong(field, value, "a JSON object") }
            if name == "__metadata__" {
                for (key, item) in entry {
                    guard case .string(let text) = item else { throw Self.wrong("\(field).\(key)", item, "a string") }
                    metadata[key] = text
                }
                continue
            }
            func member(_ key: String) throws -> JSONValue {
                guard let item = entry[key] else { throw Problem(description: "field \(field).\(key) is missing") }
                return item
            }
            func integers(_ key: String) throws -> [Int] {
                guard case .array(let items) = try member(key) else { throw Self.wrong("\(field).\(key)", try member(key), "a list") }
                return try items.enumerated().map { index, item in
                    guard case .int(let number) = item else { throw Self.wrong("\(field).\(key)[\(index)]", item, "an integer") }
                    return number
                }
            }
            guard case .string(let dtype) = try member("dtype") else { throw Self.wrong("\(field).dtype", try member("dtype"), "a string") }
            entries.append((name, Entry(dtype: dtype, shape: try integers("shape"), dataOffsets: try integers("data_offsets"))))
        }
    }

    private static func wrong(_ field: String, _ value: JSONValue, _ expected: String) -> Problem {
        Problem(description: "field \(field) is \(value.shortText), expected \(expected)")
    }
}
