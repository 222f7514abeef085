import BermoHarness
import BermoPlugins
import BermoRuntime
import BermoTestSupport
import Foundation
import Testing

/// Every setting of every registered plugin, given each value its rule rejects and a value of the wrong
/// type in an otherwise valid suite, is rejected by validation with an error located at that value
/// (file:line:column) that names the key; and every numeric setting anywhere declares the range it accepts.
@Suite struct SettingRangeTests {
    static let pluginIDs = Plugins.registry().knownIDs

    /// What a suite writes by mistake for a setting's type: text where a number goes, a number elsewhere
    /// (a choice, a flag, a path, a list, a name: none of them is a number).
    static func wrongType(_ d: SettingDeclaration) -> JSONValue { d.isNumber ? "not-a-number" : 7 }

    @Test("a setting out of range or of the wrong type is rejected at its line, naming the key", arguments: pluginIDs)
    func rejectedWithLocatedError(_ pluginID: String) throws {
        let registry = Plugins.registry()
        let plugin = try registry.plugin(pluginID)
        let template = try #require(SuiteTemplate.byPlugin[pluginID],
                                    "plugin `\(pluginID)` has no suite template: add one to SuiteTemplate.byPlugin (a minimal valid task)")
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let validator = SuiteValidator(registry: registry, dataDirectory: DataPaths.root)

        // The template itself is valid, so every rejection below is the bad value's.
        let valid = try directory.write(template.valid(plugin: pluginID), to: "valid.yaml")
        _ = try validator.validate(valid.path)

        let declarations = plugin.configDeclarations
        #expect(!declarations.isEmpty)
        var cases = 0
        for d in declarations {
            for value in d.counterexamples + [Self.wrongType(d)] {
                cases += 1
                let written = template.with(d.path, d.key, value, plugin: pluginID)
                let file = try directory.write(written.yaml, to: "case-\(cases).yaml")
                let errors: [SuiteError]
                do {
                    _ = try validator.prepare(file.path)
                    Issue.record("\(pluginID): `\(d.dottedKey): \(value.canonical)` was accepted (\(d.accepted))\n\(written.yaml)")
                    continue
                } catch let e as SuiteErrors { errors = e.errors } catch let e as SuiteError { errors = [e] }
                let located = errors.first {
                    $0.location.file == file.path && $0.location.line == written.line && written.columns.contains($0.location.column)
                }
                #expect(located != nil, "\(pluginID): `\(d.dottedKey): \(value.canonical)`: no error at \(file.lastPathComponent):\(written.line):\(written.columns); got:\n\(errors.map(\.description).joined(separator: "\n"))")
                #expect(located?.description.contains(d.key) == true && located?.field?.contains(d.dottedKey) == true,
                        "\(pluginID): the error does not name `\(d.dottedKey)`: \(located?.description ?? "-")")
            }
        }
        #expect(cases > declarations.count, "\(pluginID): no setting has a declared range")
    }

    @Test("every registered plugin has a suite template (and every template a plugin)")
    func everyPluginHasATemplate() {
        #expect(Set(SuiteTemplate.byPlugin.keys) == Set(Self.pluginIDs))
    }

    /// Settings read from anywhere: every plugin's task parameters, the fine-tuning settings of `bermo
    /// finetune`, and every report's and dataset's options.
    static func everyDeclaration() -> [(owner: String, SettingDeclaration)] {
        let registry = Plugins.registry()
        var all = registry.plugins.flatMap { p in p.configDeclarations.map { ("plugin \(p.id)", $0) } }
        all += FineTuneConfig.declarations().map { ("bermo finetune", $0) }
        all += registry.reports.flatMap { r in r.optionDeclarations.map { ("bermo report \(r.name)", $0) } }
        all += registry.datasets.flatMap { d in d.optionDeclarations.map { ("bermo data fetch \(d.name)", $0) } }
        return all
    }

    @Test("every numeric setting declares the range it accepts")
    func numbersHaveRanges() {
        let all = Self.everyDeclaration()
        #expect(all.contains { $0.1.isNumber })
        for (owner, d) in all where d.isNumber {
            #expect(!d.counterexamples.isEmpty, "\(owner): the number `\(d.dottedKey)` accepts any value; declare its range (a SettingRule)")
        }
    }
}
