import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// Text files from other people, read through `TSVTable` (the fine-tuning reader): every line ending, a
/// byte-order mark, a foreign encoding and an empty file give the same rows or a located error.
@Suite struct TextInputTests {
    static func table(_ bytes: [UInt8], skipBadRows: Bool = false) throws -> TSVTable {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let file = directory.file("data.tsv")
        try Data(bytes).write(to: file)
        return try TSVTable(path: file.path, skipBadRows: skipBadRows)
    }

    @Test("CRLF, lone CR and LF files give the same rows (Swift's \"\\r\\n\" Character is not split on \"\\n\")",
          arguments: ["\r\n", "\r", "\n"])
    func lineEndings(_ ending: String) throws {
        let text = ["sentence\tlabel", "a good film\t1", "a bad one\t0"].joined(separator: ending) + ending
        let table = try Self.table(Array(text.utf8))
        #expect(table.header == ["sentence", "label"])
        #expect(table.rows.map(\.fields) == [["a good film", "1"], ["a bad one", "0"]])
        #expect(table.rows.map(\.line) == [2, 3])
        #expect(try table.column("label", option: "--label-column") == 1)
    }

    @Test("a leading UTF-8 byte-order mark is not part of the first column's name")
    func leadingByteOrderMark() throws {
        let table = try Self.table([0xEF, 0xBB, 0xBF] + Array("sentence\tlabel\nfine\t1\n".utf8))
        #expect(try table.column("sentence", option: "--text-column") == 0)
    }

    @Test("a byte-order mark inside the file is named in messages, not shown as an invisible character")
    func innerByteOrderMarkIsNamed() throws {
        let table = try Self.table(Array("sentence\tlabel\nfine\t1\nworse\t\u{FEFF}0\n".utf8))
        let error = #expect(throws: RuntimeError.self) {
            try table.examples(textColumn: "sentence", pairColumn: nil, labelColumn: "label", kind: .classification(labels: ["0", "1"]))
        }
        #expect(error?.message.contains("data.tsv:3") == true)
        #expect(error?.message.contains("byte-order mark") == true)
        // Nor does it become a class of its own when the labels are read from the file.
        let classes = #expect(throws: RuntimeError.self) { try table.labelSet("label") }
        #expect(classes?.message.contains("data.tsv:3: label '<byte-order mark U+FEFF>0'") == true, "\(classes?.message ?? "")")
    }

    @Test("invalid UTF-8 is reported with its line, column and byte offset, and how to convert the file")
    func invalidUTF8IsLocated() throws {
        // Line 3 is "café" in Latin-1: the é is the single byte 0xE9, byte 25 of the file.
        let bytes = Array("sentence\tlabel\nfine\t1\ncaf".utf8) + [0xE9] + Array("\t0\n".utf8)
        let error = #expect(throws: (any Error).self) { try Self.table(bytes) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("data.tsv:3:4"), "\(text)")
        #expect(text.contains("byte 25") && text.contains("0xE9"), "\(text)")
        #expect(text.contains("iconv -f latin1 -t utf-8"), "\(text)")
    }

    @Test("a NUL byte (binary data, UTF-16 without a byte-order mark) is located and named")
    func nulByteIsLocated() throws {
        let utf16 = Array("sentence\tlabel\n".utf8) + Array("fine\t1\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let error = #expect(throws: (any Error).self) { try Self.table(utf16) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("data.tsv:2:2") && text.contains("byte 16 is a NUL byte"), "\(text)")
        #expect(text.contains("UTF-16 without a byte-order mark") && text.contains("iconv"), "\(text)")
    }

    @Test("a device that never ends (/dev/zero) is refused after its first chunk instead of filling the memory")
    func endlessDeviceIsRefused() throws {
        let error = #expect(throws: TextFileError.self) { try TextFile(contentsOf: "/dev/zero") }
        #expect(error?.description.hasPrefix("/dev/zero:1:1: byte 0 is a NUL byte") == true, "\(String(describing: error))")
    }

    @Test("a table with a header and no rows is an error, not an empty training set")
    func headerOnlyIsAnError() throws {
        let table = try Self.table(Array("sentence\tlabel\n".utf8))
        let error = #expect(throws: RuntimeError.self) {
            try table.examples(textColumn: "sentence", pairColumn: nil, labelColumn: "label", kind: .classification(labels: []))
        }
        #expect(error?.message.contains("no examples") == true)
    }
}
