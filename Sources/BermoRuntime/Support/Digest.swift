import COpenSSL
import Foundation

/// A SHA-256 or SHA-1 digest in progress, through the system's libcrypto (OpenSSL's EVP interface);
/// the result is lowercase hex, the form PyPI, Hugging Face and `git hash-object` print.
///
/// OpenSSL's assembly hashes a 90 MB checkpoint in a fraction of a second even in debug builds, and
/// Debian ships it (`libssl-dev`), so bermo compiles no cryptography of its own. SHA-1 is only for git
/// blob ids (how SentEval's files are pinned), never for security.
public final class Digest {
    public enum Algorithm: Sendable { case sha1, sha256 }

    /// Files are read in chunks of this size, so memory stays flat however large the file is.
    static let chunkBytes = 4 << 20

    private let context: OpaquePointer
    private let algorithm: Algorithm

    public init(_ algorithm: Algorithm) throws {
        guard let context = EVP_MD_CTX_new() else { throw Self.libcryptoFailed("EVP_MD_CTX_new", algorithm) }
        let method = switch algorithm {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        }
        guard EVP_DigestInit_ex(context, method, nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw Self.libcryptoFailed("EVP_DigestInit_ex", algorithm)
        }
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { throw Self.libcryptoFailed("EVP_DigestUpdate", algorithm) }
    }

    public func update(_ data: Data) throws { try data.withUnsafeBytes { try update($0) } }

    public func update(_ text: String) throws {
        var text = text
        try text.withUTF8 { try update(UnsafeRawBufferPointer($0)) }
    }

    /// Adds a file's bytes, read in `chunkBytes` pieces.
    public func update(contentsOf url: URL) throws {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw RuntimeError("cannot hash \(url.path): \(error.localizedDescription); check that the file exists "
                + "and is readable")
        }
        defer { try? handle.close() }
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: Self.chunkBytes)
            } catch {
                throw RuntimeError("cannot hash \(url.path): reading failed (\(error.localizedDescription)); "
                    + "check the disk and retry")
            }
            guard let chunk, !chunk.isEmpty else { return }
            try update(chunk)
        }
    }

    /// Ends the computation and returns the digest as lowercase hex; call it once, after the last update.
    public func finalize() throws -> String {
        var bytes = [UInt8](repeating: 0, count: 64)  // EVP_MAX_MD_SIZE
        var count: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &bytes, &count) == 1 else { throw Self.libcryptoFailed("EVP_DigestFinal_ex", algorithm) }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * Int(count))
        for byte in bytes.prefix(Int(count)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func sha256(_ data: Data) throws -> String {
        let digest = try Digest(.sha256)
        try digest.update(data)
        return try digest.finalize()
    }

    public static func sha256(_ text: String) throws -> String {
        let digest = try Digest(.sha256)
        try digest.update(text)
        return try digest.finalize()
    }

    /// The SHA-256 of a file, streamed (a 90 MB checkpoint is never held in memory).
    public static func sha256(of url: URL) throws -> String {
        let digest = try Digest(.sha256)
        try digest.update(contentsOf: url)
        return try digest.finalize()
    }

    /// libcrypto fails only when it is broken or configured to refuse the algorithm (a FIPS policy
    /// without SHA-1, or without a FIPS provider at all, set through OPENSSL_CONF): the environment's doing,
    /// so an error that says where to look, never a made-up digest.
    private static func libcryptoFailed(_ function: String, _ algorithm: Algorithm) -> RuntimeError {
        RuntimeError("libcrypto's \(function) failed for \(algorithm): the system's OpenSSL refuses it; check the "
            + "installation (`openssl version`) and the configuration OPENSSL_CONF points to (a FIPS policy without "
            + "the FIPS provider refuses every digest)")
    }
}
