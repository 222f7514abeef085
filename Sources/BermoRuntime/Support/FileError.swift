import Foundation

/// A file operation the system refused, said the way every bermo error is: `<path>: <what failed>: <plain
/// reason>; <how to fix it>`.
///
/// The one place that turns an `errno` (or a Foundation file error, which wraps one) into words: readers and
/// writers throw it, and `UserFacingError` maps any Foundation error that escapes to it, so no
/// `Error Domain=NSCocoaErrorDomain …` dump reaches a user and each cause keeps its own message (a name
/// too long is not "disk full").
public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// What failed, as a verb phrase: "cannot read", "cannot write", "cannot create the directory".
    public let action: String
    /// The `errno` value the system reported.
    public let code: Int32
    public let fix: String

    /// `fix` defaults to the usual remedy for `code`.
    public init(path: String, action: String, code: Int32, fix: String? = nil) {
        self.path = path; self.action = action; self.code = code
        self.fix = fix ?? Self.remedy(code)
    }

    public var reason: String { Self.reason(code) }

    public var description: String { "\(path): \(action): \(reason); \(fix)" }

    /// Out of space, a failing device, a read-only file system: the environment failed, not the user's input.
    public var isEnvironmentFailure: Bool { [ENOSPC, EDQUOT, EIO, EROFS, EFBIG, EMFILE, ENFILE, ENOMEM].contains(code) }

    /// What `code` means, in plain words.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file or directory"
        case EACCES, EPERM: "permission denied"
        case ENOSPC: "no space left on the device"
        case EDQUOT: "the disk quota is exceeded"
        case ENAMETOOLONG: "the name is too long (at most 255 bytes per file name, 4,096 per path)"
        case EISDIR: "it is a directory"
        case ENOTDIR: "a part of the path is not a directory"
        case EROFS: "the file system is read-only"
        case EIO: "input/output error (a failing disk or a lost network file system)"
        case EFBIG: "the file is too large for this file system"
        case ELOOP: "too many symbolic links (a link pointing to itself?)"
        case EMFILE, ENFILE: "too many open files"
        case ENOMEM: "out of memory"
        case EEXIST: "it already exists"
        case ENXIO: "no such device (a named pipe nobody reads?)"
        default: String(cString: strerror(code)).lowercased()
        }
    }

    /// The usual remedy for `code`.
    public static func remedy(_ code: Int32) -> String {
        switch code {
        case ENOENT: "check the path"
        case EACCES, EPERM: "check the permissions (`ls -l`), or use a place you may write to"
        case ENOSPC, EDQUOT: "free some space (`df -h`), or write elsewhere"
        case ENAMETOOLONG: "use a shorter name"
        case EISDIR: "name a file, not a directory"
        case ENOTDIR: "check the path"
        case EEXIST: "remove it, or choose another name"
        case EROFS: "write elsewhere"
        case EIO: "check the disk or the network mount, then retry"
        case EFBIG: "write to another file system"
        case ELOOP: "check the links along the path (`ls -l`)"
        case EMFILE, ENFILE: "raise the limit (`ulimit -n`) or close other programs, then retry"
        case ENOMEM: "free memory, then retry"
        default: "check the path and retry"
        }
    }

    /// The `FileError` inside a Foundation error (`CocoaError`, or an `NSError` of the Cocoa or POSIX
    /// domain), or nil for any other error. Foundation names the file in `userInfo` and usually carries the
    /// POSIX error underneath; Cocoa codes without one are mapped to their POSIX meaning.
    public init?(foundation error: any Error) {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError
        let code: Int32
        if ns.domain == NSPOSIXErrorDomain {
            code = Int32(ns.code)
        } else if let underlying, underlying.domain == NSPOSIXErrorDomain {
            code = Int32(underlying.code)
        } else {
            code = Self.posixCode(cocoa: ns.code)
        }
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
        let writing = (CocoaError.Code.fileWriteUnknown.rawValue...CocoaError.Code.fileWriteVolumeReadOnly.rawValue).contains(ns.code)
        self.init(path: path, action: writing ? "cannot write" : "cannot read", code: code)
    }

    /// Cocoa file-error codes (`CocoaError.Code`) as the POSIX errors they stand for.
    static func posixCode(cocoa: Int) -> Int32 {
        switch CocoaError.Code(rawValue: cocoa) {
        case .fileNoSuchFile, .fileReadNoSuchFile: ENOENT
        case .fileReadNoPermission, .fileWriteNoPermission: EACCES
        case .fileWriteOutOfSpace: ENOSPC
        case .fileWriteInvalidFileName, .fileReadInvalidFileName: ENAMETOOLONG
        case .fileWriteVolumeReadOnly: EROFS
        case .fileWriteFileExists: EEXIST
        case .fileReadTooLarge: EFBIG
        default: EIO
        }
    }
}
