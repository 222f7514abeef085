import BermoHarness
import Foundation
import Testing

/// Plain scalars are typed as YAML 1.1 (and Yams, which read suites before) types them.
@Suite struct YAMLScalarTests {
    static let table: [(String, ConfigNode.Kind)] = [
        // booleans: three spellings of each word, and no y/n
        ("yes", .bool(true)), ("Yes", .bool(true)), ("YES", .bool(true)), ("true", .bool(true)), ("True", .bool(true)),
        ("TRUE", .bool(true)), ("on", .bool(true)), ("On", .bool(true)), ("ON", .bool(true)),
        ("no", .bool(false)), ("No", .bool(false)), ("NO", .bool(false)), ("false", .bool(false)), ("False", .bool(false)),
        ("FALSE", .bool(false)), ("off", .bool(false)), ("Off", .bool(false)), ("OFF", .bool(false)),
        ("y", .string("y")), ("n", .string("n")), ("Y", .string("Y")), ("tRUE", .string("tRUE")), ("yES", .string("yES")),
        // integers
        ("0", .int(0)), ("42", .int(42)), ("-7", .int(-7)), ("+7", .int(7)), ("1_000", .int(1000)), ("-0", .int(0)),
        ("+0", .int(0)), ("0x1F", .int(31)), ("-0x1f", .int(-31)), ("0o17", .int(15)), ("017", .int(15)), ("0_17", .int(15)),
        ("0b101", .int(5)), ("1:30", .int(90)), ("-1:00:00", .int(-3600)),
        ("9223372036854775807", .int(Int.max)), ("-9223372036854775808", .int(Int.min)),
        // floats
        ("2e-5", .double(2e-5)), ("2.0e-5", .double(2e-5)), ("1.", .double(1)), (".5", .double(0.5)), ("0.1", .double(0.1)),
        ("6.02E+23", .double(6.02e23)), ("1_000.5", .double(1000.5)), ("1:30.5", .double(90.5)), (".5e+3", .double(500)),
        ("08", .double(8)), ("-3.5", .double(-3.5)), (".inf", .double(.infinity)), ("-.Inf", .double(-.infinity)),
        ("+.INF", .double(.infinity)), ("1e999", .double(.infinity)),
        // null
        ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("nULL", .string("nULL")),
        // strings, numbers' look-alikes included
        ("cls", .string("cls")), ("-.5", .string("-.5")), ("0x", .string("0x")), ("0x_", .string("0x_")), ("0b2", .string("0b2")),
        ("1e", .string("1e")), (".5e3", .string(".5e3")), ("1.2.3", .string("1.2.3")), ("1:60", .string("1:60")),
        ("2024-01-01", .string("2024-01-01")), ("<<", .string("<<")), ("=", .string("=")), ("1 2", .string("1 2")),
        (".nan5", .string(".nan5")), ("+", .string("+")), ("١٢", .string("١٢")),
    ]

    @Test func plainScalarsResolveAsYAML11() throws {
        for (text, expected) in Self.table {
            #expect(try YAMLScalar.resolve(text) == expected, "\(text)")
        }
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .double(let d) = try YAMLScalar.resolve(text) else { Issue.record("\(text) is not a float"); continue }
            #expect(d.isNaN, "\(text)")
        }
    }

    @Test func integersOutsideSixtyFourBitsAreRefused() {
        for text in ["9223372036854775808", "-9223372036854775809", "0x1_0000_0000_0000_0000", "99:00:00:00:00:00:00:00:00:00:00:00"] {
            let error = #expect(throws: YAMLScalar.IntegerTooLarge.self, "\(text)") { try YAMLScalar.resolve(text) }
            #expect(error?.text == text)
        }
        let error = #expect(throws: SuiteError.self) { try YAMLFile.parse("seed: 123456789012345678901234567890\n", displayPath: "s.yaml") }
        #expect(error?.description == "s.yaml:1:7: error: the integer 123456789012345678901234567890 is too large; write a smaller number or quote it")
    }

    /// A megabyte-long scalar is typed in one pass (the patterns are matched by hand, not by a regex engine).
    @Test func longScalarsResolveQuickly() throws {
        let digits = String(repeating: "1", count: 1 << 20)
        let start = ContinuousClock.now
        #expect(try YAMLScalar.resolve(digits + "x") == .string(digits + "x"))
        #expect(throws: YAMLScalar.IntegerTooLarge.self) { try YAMLScalar.resolve(digits) }
        #expect(try YAMLScalar.resolve(digits + ".5") == .double(Double(digits + ".5")!))
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func quotedAndStrTaggedScalarsAreStringsAndTextIsAsWritten() throws {
        let node = try YAMLFile.parse("a: \"yes\"\nb: '3'\nc: !!str 4\nd: |\n  5\ne: ! 6\nf: 2.0e-5\ng: 0x1F\nh:\n", displayPath: "t.yaml")
        #expect(node["a"]?.kind == .string("yes") && node["b"]?.kind == .string("3") && node["c"]?.kind == .string("4"))
        #expect(node["d"]?.kind == .string("5\n") && node["e"]?.kind == .string("6"))
        #expect(node["f"]?.kind == .double(2e-5) && node["f"]?.text == "2.0e-5")
        #expect(node["g"]?.kind == .int(31) && node["g"]?.text == "0x1F")
        #expect(node["h"]?.kind == .null && node["h"]?.text == "")
        #expect(node["b"]?.location == SourceLocation(file: "t.yaml", line: 2, column: 4))
    }

    @Test func otherTagsAreRefused() {
        for (yaml, column) in [("a: !!int 3\n", 4), ("a: !custom x\n", 4), ("a: !!set {x: 1}\n", 4)] {
            let error = #expect(throws: SuiteError.self) { try YAMLFile.parse(yaml, displayPath: "t.yaml") }
            #expect(error?.location.line == 1 && error?.location.column == column, "\(yaml)")
            #expect(error?.message.contains("is not supported") == true, "\(yaml)")
        }
    }
}
