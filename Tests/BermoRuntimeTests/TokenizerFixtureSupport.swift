import Foundation

@testable import BermoRuntime

/// Splits a JSON Lines file on newline bytes (JSON escapes every newline inside strings, but a `Character`-based
/// split would merge "\r\n" pairs and is slower).
func jsonLines(_ url: URL) throws -> [Data] {
    let data = try Data(contentsOf: url)
    return data.split(separator: 0x0A).filter { !$0.isEmpty }
}

/// `text` with everything but printable ASCII escaped, for failure messages.
func describe(_ text: String) -> String {
    text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
        .joined()
}

/// One parity failure, as the tests report it.
func mismatch(_ index: Int, text: String, pair: String?, maxLength: Int, expected: ([Int32], [Int32]), got: Encoding) -> String {
    "case \(index) (max_length \(maxLength)): text \"\(describe(text))\"" + (pair.map { " pair \"\(describe($0))\"" } ?? "")
        + "\n  expected \(expected.0) types \(expected.1)"
        + "\n  got      \(got.inputIds) types \(got.tokenTypeIds)"
}
