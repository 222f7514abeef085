import BermoHarness
import BermoRuntime
import Foundation
import Testing

@Suite struct SuiteLoaderTests {
    @Test func goodSuiteMergesIncludesAndDefaults() throws {
        let suite = try SuiteLoader().load(TestSupport.suite("good/echo.yaml"))
        #expect(suite.name == "echo-test")
        #expect(suite.description == "Echo plugin test suite")
        #expect(suite.files.count == 2 && suite.files[1].hasSuffix("good/common.yaml"))
        #expect(suite.models.map(\.name) == ["minilm-l6"])
        #expect(suite.seeds == [1, 2, 3])
        #expect(suite.variants.map(\.name) == ["bert", "bermo-last2"])
        #expect(suite.variants[0].head == .bert && suite.variants[0].mix == nil)
        #expect(suite.variants[1].mix == MixConfig(layers: [5, 6], layerNorm: true))
        #expect(suite.tolerance.defaultTolerance == .absolute(0.01))
        #expect(suite.tolerance.perMetric["loss"] == .relative(0.1))

        let alpha = suite.tasks[0], beta = suite.tasks[1]
        #expect(alpha.id == "alpha" && alpha.pluginID == "echo.task" && alpha.group == "demo")
        #expect(alpha.metricList?.map(\.name) == ["accuracy", "loss"])
        #expect(alpha.metricList?[1].higherIsBetter == false)
        #expect(alpha.metadata == ["version": 1])
        // alpha inherits value from defaults (located in common.yaml); beta overrides it.
        #expect(try alpha.parameters.value("value", as: Double.self) == 0.5)
        #expect(alpha.parameters.origin("value") == .defaults)
        #expect(alpha.parameters.node("value")?.location.file.hasSuffix("common.yaml") == true)
        #expect(alpha.parameters.node("value")?.location.line == 5)
        #expect(try beta.parameters.value("value", as: Double.self) == 0.7)
        if case .overridesDefault(let at) = beta.parameters.origin("value") {
            #expect(at.file.hasSuffix("common.yaml") && at.line == 5 && at.column == 3)
        } else {
            Issue.record("beta's value should override the default")
        }
    }

    @Test func suiteHashIsStableAndFollowsContent() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = "suite: h\nmodel: minilm-l6\ntasks:\n  - task: a\n    plugin: echo.task\n    value: 0.1\n"
        let a = try SuiteLoader().load(TestSupport.write(yaml, to: dir, name: "a.yaml"))
        // Same content, different formatting and key order: same suite.
        let b = try SuiteLoader().load(TestSupport.write("model: minilm-l6\nsuite: h\ntasks: [{plugin: echo.task, value: 0.1, task: a}]\n", to: dir, name: "b.yaml"))
        let c = try SuiteLoader().load(TestSupport.write(yaml.replacingOccurrences(of: "0.1", with: "0.2"), to: dir, name: "c.yaml"))
        #expect(try a.hash == b.hash)
        #expect(try a.hash != c.hash)
    }

    @Test func variantShorthandsAndDefaults() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let noVariants = try SuiteLoader().load(TestSupport.write("suite: v\nmodel: minilm-l6\ntasks: [{task: a, plugin: echo.task}]\n", to: dir))
        #expect(noVariants.variants.map(\.head) == [.bert, .bermo])
        #expect(noVariants.variants[1].mix == MixConfig())
        #expect(noVariants.seeds == [0])
        let named = try SuiteLoader().load(TestSupport.write("""
            suite: v
            model: minilm-l6
            variants:
              - bermo
              - {name: frozen, head: bermo, mix: {layers: [5, 6], include_embedding: false, initial_gamma: 2, trainable: false, initial_weights: [0, 1]}}
            tasks: [{task: a, plugin: echo.task}]
            """, to: dir, name: "named.yaml"))
        #expect(named.variants[0] == Variant(name: "bermo", head: .bermo, mix: MixConfig()))
        #expect(named.variants[1].mix == MixConfig(layers: [5, 6], includeEmbedding: false, initialWeights: [0, 1], initialGamma: 2, trainable: false))
    }

    @Test func modelDirectoryIsResolvedRelativeToTheSuiteFile() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("models/tiny", isDirectory: true)
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for f in ["config.json", "model.safetensors", "vocab.txt"] { try Data("x".utf8).write(to: model.appendingPathComponent(f)) }
        let suite = try SuiteLoader().load(TestSupport.write("suite: m\nmodels: [./models/tiny, minilm-l6]\ntasks: [{task: a, plugin: echo.task}]\n", to: dir))
        #expect(suite.models[0].source == .directory(model.standardizedFileURL))
        #expect(suite.models[1].name == "minilm-l6")
    }

    @Test func errorsAreCollectedNotJustTheFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try TestSupport.write("suite: e\nmodle: x\nseeds: [1, 1]\ntasks: [{task: a, plugin: echo.task}]\n", to: dir)
        let error = #expect(throws: SuiteErrors.self) { try SuiteLoader().load(path) }
        let messages = error?.errors.map(\.description) ?? []
        #expect(messages.contains { $0.contains("\(path):2:1:") && $0.contains("did you mean `model`?") })
        #expect(messages.contains { $0.contains("\(path):3:12:") && $0.contains("listed twice") })
        #expect(messages.contains { $0.contains("missing required field `model`") })
    }

    @Test func suggestionsUseEditDistanceWithSwaps() {
        #expect(Suggestions.distance("seeds", "seeds") == 0)
        #expect(Suggestions.distance("seds", "seeds") == 1)
        #expect(Suggestions.distance("valeu", "value") == 1)
        #expect(Suggestions.distance("kitten", "sitting") == 3)
        #expect(Suggestions.closest(to: "seedz", among: SuiteKeysForTest.all) == "seeds")
        #expect(Suggestions.closest(to: "xyz", among: SuiteKeysForTest.all) == nil)
        #expect(Suggestions.closest(to: "output", among: SuiteKeysForTest.all) == "output_dir")
    }
}

enum SuiteKeysForTest {
    static let all = ["suite", "description", "include", "model", "models", "variants", "seeds", "defaults", "tasks", "output_dir", "baseline", "tolerance"]
}

@Suite struct TaskParametersTests {
    func params(_ yaml: String) throws -> TaskParameters {
        let node = try YAMLFile.parse(yaml, displayPath: "p.yaml")
        return TaskParameters(taskID: "t", pluginID: "p", location: node.location, entries: node.entries ?? [])
    }

    @Test func typedAccessorsReadAndReportLocatedMismatches() throws {
        let p = try params("n: 3\nx: 2e-5\nname: cls\nflag: yes\nlist: [a, b]\nquoted: \"7\"\nlayers: [1, 2]\nsub: {lr: 0.1}\n")
        #expect(try p.value("n", as: Int.self) == 3)
        #expect(try p.value("x", as: Double.self) == 2e-5)
        #expect(try p.value("n", as: Double.self) == 3)
        #expect(try p.value("name", as: String.self) == "cls")
        #expect(try p.value("flag", default: false) == true)
        #expect(try p.value("list", as: [String].self) == ["a", "b"])
        #expect(try p.value("layers", as: [Int].self) == [1, 2])
        #expect(try p.value("missing", default: 9) == 9)
        #expect(try p.value("name", as: Pooling.self) == .cls)
        #expect(try p.nested("sub")?.value("lr", as: Double.self) == 0.1)

        let quoted = #expect(throws: SuiteError.self) { try p.value("quoted", as: Int.self) }
        #expect(quoted?.description == "p.yaml:6:9: error: `tasks[t].quoted`: expected an integer, found a string (\"7\"); remove the quotes: `7`")
        let missing = #expect(throws: SuiteError.self) { try p.value("pooling", as: String.self) }
        #expect(missing?.description.contains("missing required parameter `pooling` of plugin `p`") == true)
        let choice = #expect(throws: SuiteError.self) { try p.value("list", as: [Pooling].self) }
        #expect(choice?.location.line == 5 && choice?.field == "tasks[t].list[0]")
        #expect(choice?.description.contains("`a` is not one of `cls`, `mean`") == true)
        let yesNo = #expect(throws: SuiteError.self) { try p.value("flag", as: String.self) }
        #expect(yesNo?.description.contains("quote it") == true)
        let nested = #expect(throws: SuiteError.self) { try p.nested("sub")?.value("lr", as: String.self) }
        #expect(nested?.field == "tasks[t].sub.lr")
    }

    struct Probe: Settings {
        @Setting("pooling", help: "") var pooling: Pooling = .mean
        @Setting("layers", .nonEmpty(each: .in(0...6)), help: "") var layers = [6]
        @Setting("lr", .above(0, atMost: 1), help: "") var lr = 0.1
        @SettingGroup("sub", help: "") var sub: Sub? = nil
        struct Sub: Settings {
            @Setting("steps", .in(1...10), required: true, help: "") var steps = 1
            init() {}
        }
        init() {}
    }

    @Test func settingsDecodeWithDefaultsRangesAndLocatedErrors() throws {
        let ok = try Probe.decode(from: params("pooling: cls\nsub: {steps: 3}\n"))
        #expect(ok.pooling == .cls && ok.layers == [6] && ok.lr == 0.1 && ok.sub?.steps == 3)
        #expect(ok.settingsJSON() == ["pooling": "cls", "layers": [6], "lr": 0.1, "sub": ["steps": 3]])
        let choice = #expect(throws: SuiteError.self) { try Probe.decode(from: params("pooling: clss\n")) }
        #expect(choice?.description.contains("did you mean `cls`?") == true && choice?.location.line == 1)
        let range = #expect(throws: SuiteError.self) { try Probe.decode(from: params("lr: 1\nlayers: [1, 9]\n")) }
        #expect(range?.description == "p.yaml:2:9: error: `tasks[t].layers`: [1,9] is out of range; use a non-empty list of an integer in 0...6")
        let zero = #expect(throws: SuiteError.self) { try Probe.decode(from: params("lr: 0\n")) }
        #expect(zero?.description == "p.yaml:1:5: error: `tasks[t].lr`: 0.0 is out of range; use a number in (0, 1]")
        let required = #expect(throws: SuiteError.self) { try Probe.decode(from: params("sub: {}\n")) }
        #expect(required?.field == "tasks[t].sub.steps")
        let unknown = #expect(throws: SuiteError.self) { try Probe.decode(from: params("pooling: cls\nlayer: [1]\n")) }
        #expect(unknown?.description.contains("did you mean `layers`?") == true)
    }

    @Test func rejectUnknownListsEveryUnknownKeyWithSuggestions() throws {
        let p = try params("lr: 1\nepocs: 3\nbatch: 2\n")
        let error = #expect(throws: SuiteErrors.self) { try p.rejectUnknown(allowed: ["lr", "epochs", "batch_size"]) }
        #expect(error?.errors.count == 2)
        #expect(error?.errors[0].description.hasPrefix("p.yaml:2:1: error: `tasks[t].epocs`: unknown parameter `epocs` for plugin `p` (did you mean `epochs`?)") == true)
        #expect(error?.errors[1].description.contains("did you mean `batch_size`?") == true)
        try p.rejectUnknown(allowed: ["lr", "epocs", "batch"])
    }
}

@Suite struct IncludeTests {
    @Test func anUnreadableIncludeIsReportedInItsOwnFileWithoutKnockOnErrors() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try TestSupport.write("model: minilm-l6\ntasks: [{task: a, plugin: echo.task\n", to: dir, name: "broken.yaml")
        let path = try TestSupport.write("suite: s\ninclude: [broken.yaml]\n", to: dir)
        let error = #expect(throws: SuiteErrors.self) { try SuiteLoader().load(path) }
        #expect(error?.errors.count == 1)
        #expect(error?.errors.first?.location.file == dir.appendingPathComponent("broken.yaml").path)
        #expect(error?.errors.first?.description.contains("YAML syntax error") == true)
    }

    @Test func aFileIncludedTwiceContributesOnceAndIncluderWins() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("parts"), withIntermediateDirectories: true)
        _ = try TestSupport.write("model: minilm-l6\nseeds: [1]\ntasks: [{task: shared, plugin: echo.task}]\n", to: dir, name: "parts/base.yaml")
        _ = try TestSupport.write("include: [base.yaml]\nseeds: [2]\ntasks: [{task: left, plugin: echo.task}]\n", to: dir, name: "parts/left.yaml")
        _ = try TestSupport.write("include: [./base.yaml]\ntasks: [{task: right, plugin: echo.task}]\n", to: dir, name: "parts/right.yaml")
        let path = try TestSupport.write("suite: diamond\ninclude: [parts/left.yaml, parts/right.yaml]\nseeds: [3, 4]\n", to: dir)
        let suite = try SuiteLoader().load(path)
        #expect(suite.tasks.map(\.id) == ["shared", "left", "right"])
        #expect(suite.seeds == [3, 4])
        #expect(suite.files.count == 4)
    }
}
