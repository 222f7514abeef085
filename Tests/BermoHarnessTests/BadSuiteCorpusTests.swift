import BermoHarness
import Foundation
import Testing

/// Every file in `Fixtures/suites/bad/` must be rejected with a located error (file:line:column) that
/// says what is wrong, and never crash.
@Suite struct BadSuiteCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        /// Where the error must point (in `file`, or in `inFile` when the problem is in an included file).
        let line: Int, column: Int
        let fragments: [String]
        var inFile: String? = nil
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "syntax_error.yaml", line: 4, column: 6, fragments: ["YAML syntax error", "flow sequence"]),
        Case(file: "unknown_top_level_key.yaml", line: 3, column: 1, fragments: ["unknown top-level key `seedz`", "did you mean `seeds`?"]),
        Case(file: "unknown_plugin.yaml", line: 5, column: 13, fragments: ["unknown plugin `echo.tsak`", "did you mean `echo.task`?", "known plugins: echo.task"]),
        Case(file: "wrong_type.yaml", line: 1, column: 8, fragments: ["`suite`", "expected a string, found a list"]),
        Case(file: "missing_task_id.yaml", line: 4, column: 5, fragments: ["missing required field `task`", "- task: my-task"]),
        Case(file: "duplicate_task.yaml", line: 8, column: 11, fragments: ["duplicate task id `a`", "duplicate_task.yaml:4:11"]),
        Case(file: "include_cycle.yaml", line: 4, column: 5, fragments: ["include cycle", "include_cycle.yaml → ", "cycle_b.yaml"],
             inFile: "parts/cycle_b.yaml"),
        Case(file: "include_missing.yaml", line: 3, column: 5, fragments: ["does_not_exist.yaml does not exist", "relative to the file that includes them"]),
        Case(file: "bad_seeds.yaml", line: 3, column: 12, fragments: ["`seeds[1]`", "expected an integer, found a string (\"two\")"]),
        Case(file: "bad_tolerance.yaml", line: 9, column: 16, fragments: ["unknown tolerance kind `relativ`", "did you mean `relative`?"]),
        Case(file: "bad_variant_head.yaml", line: 6, column: 11, fragments: ["unknown head `bermoo`", "did you mean `bermo`?"]),
        Case(file: "bad_mix_layers.yaml", line: 7, column: 19, fragments: ["`variants[0].mix.layers[1]`", "-2 is not a hidden-state index"]),
        Case(file: "unknown_parameter.yaml", line: 7, column: 5, fragments: ["unknown parameter `valeu` for plugin `echo.task`", "did you mean `value`?"]),
        Case(file: "tabs.yaml", line: 5, column: 1, fragments: ["tab", "spaces"]),
        Case(file: "empty.yaml", line: 1, column: 1, fragments: ["the file is empty"]),
        Case(file: "wrong_parameter_type.yaml", line: 6, column: 12, fragments: ["`tasks[a].value`", "expected a number, found a string (\"high\")"]),
        Case(file: "missing_model.yaml", line: 1, column: 1, fragments: ["missing required field `model`", "model: minilm-l6"]),
        Case(file: "duplicate_key.yaml", line: 3, column: 1, fragments: ["`seeds` appears twice"]),
        Case(file: "unused_default.yaml", line: 5, column: 3, fragments: ["no task's plugin takes the parameter `scael`", "did you mean `scale`?"]),
        Case(file: "unknown_metric.yaml", line: 7, column: 17, fragments: ["does not report `acuracy`", "did you mean `accuracy`?", "it reports: accuracy, loss"]),
        Case(file: "mix_on_bert.yaml", line: 6, column: 10, fragments: ["`mix` only applies to `head: bermo`"]),
        Case(file: "unknown_model.yaml", line: 2, column: 8, fragments: ["`minilm-l7` is not a registered model", "did you mean `minilm-l6`?"]),
        Case(file: "not_a_mapping.yaml", line: 1, column: 1, fragments: ["must be a mapping", "found a list"]),
        Case(file: "misspelt_plugin_key.yaml", line: 5, column: 5, fragments: ["missing required field `plugin`", "`plugn` looks like a misspelling"]),
        Case(file: "missing_tasks.yaml", line: 1, column: 1, fragments: ["missing required field `tasks`"]),
        Case(file: "parameter_out_of_range.yaml", line: 6, column: 12, fragments: ["`tasks[a].scale`", "11.0 is out of range", "0...10"]),
        Case(file: "alias_bomb.yaml", line: 9, column: 10, fragments: ["aliases expand to more than 10000 nodes"]),
        Case(file: "too_deep.yaml", line: 6, column: 73, fragments: ["nests deeper than 64 levels"]),
        Case(file: "undefined_alias.yaml", line: 6, column: 12, fragments: ["`*shared` refers to no anchor"]),
    ]

    func errors(for file: String) -> [SuiteError] {
        let validator = SuiteValidator(registry: TestSupport.registry(), dataDirectory: URL(fileURLWithPath: "/nonexistent"))
        do {
            _ = try validator.prepare(TestSupport.suite("bad/\(file)"))
            return []
        } catch let errors as SuiteErrors {
            return errors.errors
        } catch {
            Issue.record("\(file): expected SuiteErrors, got \(type(of: error)): \(error)")
            return []
        }
    }

    @Test(arguments: cases)
    func badSuiteIsRejectedWithLocatedError(_ c: Case) {
        let found = errors(for: c.file)
        #expect(!found.isEmpty, "\(c.file) was accepted")
        let expectedFile = TestSupport.suite("bad/\(c.inFile ?? c.file)")
        let match = found.first { $0.location.file == expectedFile && $0.location.line == c.line && $0.location.column == c.column }
        #expect(match != nil, "\(c.file): no error at \(c.line):\(c.column); got:\n\(found.map(\.description).joined(separator: "\n"))")
        for fragment in c.fragments {
            #expect(match?.description.contains(fragment) == true, "\(c.file): message lacks “\(fragment)”: \(match?.description ?? "-")")
        }
        // Every message starts with file:line:column and carries a fix or a clear statement of the problem.
        for error in found {
            #expect(error.description.hasPrefix("\(error.location.file):\(error.location.line):\(error.location.column): error: "))
            #expect(error.location.line >= 1 && error.location.column >= 1)
        }
    }

    @Test func everyBadFixtureHasAnExpectation() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: TestSupport.suite("bad")).filter { $0.hasSuffix(".yaml") }
        #expect(Set(names) == Set(Self.cases.map(\.file)))
        #expect(names.count >= 15)
    }
}
