import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes F32 safetensors files (fine-tuned or pruned weights) that Python's `safetensors` loads as is.
///
/// The header is padded with spaces to a multiple of 8 bytes, as the format recommends, so that tensor data
/// starts aligned. Tensors are laid out in the order given. The file is written to a temporary file in the
/// destination's directory, flushed to disk and renamed over the destination, so a crash or a full disk never
/// leaves a half-written checkpoint where a good one is expected.
public enum SafetensorsWriter {
    public static func write(
        _ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
        metadata: [String: String] = [:],
        to url: URL
    ) throws {
        let path = url.path
        let header = try headerBytes(tensors, metadata: metadata, path: path)

        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw RuntimeError("cannot write \(path): creating a temporary file in \(directory.path) failed "
                + "(\(String(cString: strerror(errno)))); check that the directory exists and is writable")
        }
        var renamed = false
        defer {
            if !renamed { unlink(temporary.path) }
        }
        do {
            defer { close(fd) }
            var lengthField = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &lengthField) { try writeAll(fd, $0, path: path) }
            try header.withUnsafeBytes { try writeAll(fd, $0, path: path) }
            for tensor in tensors {
                try writeFloats(fd, tensor.values, path: path)
            }
            guard fsync(fd) == 0 else {
                throw RuntimeError("cannot write \(path): flushing to disk failed (\(String(cString: strerror(errno)))); "
                    + "check free space and retry")
            }
        }
        guard rename(temporary.path, path) == 0 else {
            throw RuntimeError("cannot write \(path): renaming the temporary file into place failed "
                + "(\(String(cString: strerror(errno)))); check that \(path) is not a directory and is writable")
        }
        renamed = true
    }

    /// The JSON header, space-padded to a multiple of 8. Written by hand so key order and number formatting
    /// are fixed (byte-identical output for identical input) and no Foundation JSON quirks leak in.
    static func headerBytes(
        _ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
        metadata: [String: String],
        path: String
    ) throws -> [UInt8] {
        var entries: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(JSONText.quoted($0)):\(JSONText.quoted(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var seen = Set<String>()
        var offset = 0
        for tensor in tensors {
            let name = tensor.name
            guard !name.isEmpty, name != "__metadata__" else {
                throw RuntimeError("cannot write \(path): tensor name '\(name)' is reserved or empty; rename the tensor")
            }
            guard seen.insert(name).inserted else {
                throw RuntimeError("cannot write \(path): tensor '\(name)' is given twice; pass each tensor once")
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }),
                  let bytes = SafetensorsHeader.byteCount(shape: tensor.shape, dtype: .f32),
                  bytes == tensor.values.count * 4
            else {
                throw RuntimeError("cannot write \(path): tensor '\(name)' has shape \(tensor.shape) but "
                    + "\(tensor.values.count) values; pass a shape whose product is the number of values")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(JSONText.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var bytes = Array("{\(entries.joined(separator: ","))}".utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        return bytes
    }


    private static func writeFloats(_ fd: Int32, _ values: UnsafeBufferPointer<Float>, path: String) throws {
        #if _endian(little)
        try writeAll(fd, UnsafeRawBufferPointer(values), path: path)
        #else
        let swapped = values.map { $0.bitPattern.littleEndian }
        try swapped.withUnsafeBytes { try writeAll(fd, $0, path: path) }
        #endif
    }

    /// `write(2)` until everything is out, retrying short writes and EINTR.
    private static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        guard var cursor = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let written = posixWrite(fd, cursor, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw RuntimeError("cannot write \(path): \(String(cString: strerror(errno))); "
                    + "check free space and permissions, then retry")
            }
            cursor += written
            remaining -= written
        }
    }
}

/// The C `write`, reachable under another name because `SafetensorsWriter.write` shadows it inside the enum.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
