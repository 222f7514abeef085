import Foundation

/// Any error as a user reads it, for the places that print or record an error they did not make: a
/// Foundation file error becomes a `FileError` sentence (never an `Error Domain=NSCocoaErrorDomain …` dump),
/// a `DecodingError` one short clause, and bermo's own errors stay as they are written.
public enum ErrorText {
    public static func describe(_ error: any Error) -> String {
        if let file = FileError(foundation: error) { return file.description }
        if let decoding = error as? DecodingError { return DecodingErrorText.describe(decoding) }
        return "\(error)"
    }
}
