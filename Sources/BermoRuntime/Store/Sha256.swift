import Crypto
import Foundation

/// SHA-256 digests as lowercase hex, the form PyPI and Hugging Face publish, for checking downloads.
///
/// Uses swift-crypto (BoringSSL's assembly on x86_64 and arm64), which hashes a 90 MB checkpoint in well
/// under a second even in debug builds, where a hand-written Swift loop would take many seconds.
public enum Sha256 {
    /// Streams the file in 4 MiB chunks, so memory stays flat however large the file is.
    public static func hex(of url: URL) throws -> String {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw RuntimeError("cannot hash \(url.path): \(error.localizedDescription); check that the file exists "
                + "and is readable")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 4 << 20)
            } catch {
                throw RuntimeError("cannot hash \(url.path): reading failed (\(error.localizedDescription)); "
                    + "check the disk and retry")
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hexString(hasher.finalize())
    }

    public static func hex(of data: Data) -> String {
        hexString(SHA256.hash(data: data))
    }

    private static func hexString(_ digest: SHA256Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
