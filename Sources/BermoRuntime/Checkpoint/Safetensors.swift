import Foundation

/// A safetensors checkpoint, memory-mapped and validated on open.
///
/// Opening checks the whole header against the file (see `SafetensorsHeader`), so a truncated download or a
/// damaged file fails here with a message naming the file, not later as garbage weights or a crash. Tensor
/// data is read straight from the mapping, converted to `Float` on the way.
///
/// `Sendable`: all stored state is immutable after `init` and the mapping is read-only.
public final class SafetensorsFile: Sendable {
    public let url: URL
    /// Tensor names, sorted, so listings and error messages are stable.
    public let tensorNames: [String]
    /// The header's `__metadata__` (e.g. `["format": "pt"]`); empty when absent.
    public let metadata: [String: String]
    private let tensors: [String: TensorInfo]
    private let mapped: MappedFile

    public init(contentsOf url: URL) throws {
        self.url = url
        mapped = try MappedFile(url: url)
        let header = try SafetensorsHeader.parse(mapped.bytes, path: url.path)
        tensors = header.tensors
        metadata = header.metadata
        tensorNames = header.tensors.keys.sorted()
    }

    /// The size of the mapped file in bytes.
    public var fileSize: Int { mapped.bytes.count }

    public func info(_ name: String) -> TensorInfo? { tensors[name] }

    /// The tensor's values as `Float`, converted from F32, F16, BF16 or F64.
    public func floats(_ name: String) throws -> [Float] {
        let info = try floatTensor(name)
        let count = info.elementCount
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                try copyFloats(name, into: base, count: count)
            }
            initialized = count
        }
    }

    /// Converts the tensor into caller-owned memory, e.g. straight into a model's weight buffer;
    /// `count` must equal the tensor's element count, which catches a model built with the wrong config.
    public func copyFloats(_ name: String, into destination: UnsafeMutablePointer<Float>, count: Int) throws {
        let info = try floatTensor(name)
        guard count == info.elementCount else {
            throw RuntimeError("\(url.path): tensor '\(name)' has shape \(info.shape) (\(info.elementCount) values) "
                + "but \(count) were asked for; check that the model's config.json matches this checkpoint")
        }
        FloatConversion.convert(info.dtype, from: rawBytes(info), into: destination, count: count)
    }

    /// The tensor's stored bytes, little-endian in its own dtype, valid only inside `body`.
    public func withUnsafeBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let info = tensors[name] else { throw missing(name) }
        return try withExtendedLifetime(mapped) { try body(rawBytes(info)) }
    }

    private func rawBytes(_ info: TensorInfo) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: mapped.bytes[info.byteRange])
    }

    private func floatTensor(_ name: String) throws -> TensorInfo {
        guard let info = tensors[name] else { throw missing(name) }
        guard info.dtype.canConvertToFloat else {
            throw RuntimeError("\(url.path): tensor '\(name)' is \(info.dtype), not a float type (F32, F16, BF16, F64), "
                + "so it cannot be read as Float; read it with withUnsafeBytes(of:) or skip it")
        }
        return info
    }

    private func missing(_ name: String) -> RuntimeError {
        let close = tensorNames.filter { $0.hasSuffix(name) || name.hasSuffix($0) }.prefix(3)
        let hint = close.isEmpty
            ? "it has \(tensorNames.count) tensors, e.g. \(tensorNames.prefix(3).map { "'\($0)'" }.joined(separator: ", "))"
            : "did you mean \(close.map { "'\($0)'" }.joined(separator: " or "))?"
        return RuntimeError("\(url.path) has no tensor '\(name)'; \(hint). Check the name against tensorNames, "
            + "or that this is the checkpoint you meant to load")
    }
}
