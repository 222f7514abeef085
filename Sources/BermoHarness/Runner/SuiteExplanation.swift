import BermoRuntime
import Foundation

/// `bermo explain`: the suite as the harness sees it after includes, defaults and overrides, each
/// parameter annotated with where its value came from, and the job list with ids.
public struct SuiteExplanation {
    public let prepared: PreparedSuite
    public let plan: JobPlan?
    public let outputDirectory: URL

    public init(prepared: PreparedSuite, plan: JobPlan?, outputDirectory: URL) {
        self.prepared = prepared; self.plan = plan; self.outputDirectory = outputDirectory
    }

    public func render() throws -> String {
        let suite = prepared.suite
        var out = "suite: \(suite.name)    # \(suite.file)\n"
        if let d = suite.description { out += "description: \(ConfigNode(.string(d), at: .start(of: "")).flowText)\n" }
        if suite.files.count > 1 { out += "files: \(suite.files.joined(separator: ", "))    # merged in this order, later files win\n" }
        out += "hash: \(try suite.hash)\n"
        out += "models:\n"
        for m in suite.models {
            switch m.source {
            case .registered(let r): out += "  - \(m.name)    # registered: \(r.huggingFaceID), weights sha256 \(r.safetensorsSha256.prefix(12))…\n"
            case .directory(let url): out += "  - \(m.name)    # directory \(url.path)\n"
            }
        }
        out += "variants:\n"
        for v in suite.variants { out += "  - \(v.json["mix"] == nil ? "{name: \(v.name), head: bert}" : "{name: \(v.name), head: bermo, mix: \(Self.flow(v.json["mix"]!))}")\n" }
        out += "seeds: [\(suite.seeds.map(String.init).joined(separator: ", "))]\n"
        out += "output_dir: \(outputDirectory.path)\n"
        out += "baseline: \(suite.baseline?.path ?? "none")\n"
        let policy = suite.tolerance
        out += "tolerance: default \(policy.defaultTolerance.map { "\($0)" } ?? "\(Tolerance.builtInDefault) (built-in)")"
        out += policy.perMetric.isEmpty ? "\n" : "; " + policy.perMetric.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ") + "\n"
        let pairs = suite.comparedPairs.map { "\($0.variant) − \($0.against)" }.joined(separator: ", ")
        out += "compare: \(pairs.isEmpty ? "none" : pairs)\(suite.compare == nil ? "    # default: each variant against bert" : "")\n"
        out += "data_dir: \(prepared.dataDirectory.path)    # from \(prepared.dataDirectorySource)\n"
        out += "tasks:\n"
        for t in prepared.tasks {
            out += "  - task: \(t.id)    # \(t.spec.location)\n"
            out += "    plugin: \(t.plugin.id)    # v\(t.plugin.version): \(t.plugin.summary)\n"
            if let g = t.spec.group { out += "    group: \(g)\n" }
            out += "    metrics: " + t.metrics.map { "\($0.name) \($0.higherIsBetter ? "↑" : "↓")" }.joined(separator: ", ") + "\n"
            if let m = t.spec.metadata { out += "    metadata: \(Self.flow(m))\n" }
            for e in t.spec.parameters.entries {
                let origin: String
                switch t.spec.parameters.origin(e.key) {
                case .task: origin = "# \(e.value.location)"
                case .defaults: origin = "# from defaults at \(e.value.location)"
                case .overridesDefault(let d): origin = "# \(e.value.location), overrides the default at \(d)"
                }
                out += "    \(e.key): \(e.value.flowText)    \(origin)\n"
            }
            out += "    resolved: \(t.prepared.configuration.canonical)\n"
            for f in t.prepared.dataFiles {
                let exists = FileManager.default.fileExists(atPath: f.url.path)
                out += "    data: \(f.url.path)\(exists ? "" : "    # MISSING: \(f.remedy)")\n"
            }
        }
        if let plan {
            let withModel = suite.models.count > 1
            out += "jobs (\(plan.jobs.count) = \(suite.models.count) model(s) × \(prepared.tasks.count) task(s) × \(suite.variants.count) variant(s) × \(suite.seeds.count) seed(s)):\n"
            let store = JobStore(OutputLayout(outputDirectory))
            for job in plan.jobs {
                let done = store.record(job.id).map { "    # done: \($0.status.rawValue)" } ?? ""
                out += "  \(job.id)  \(job.name(withModel: withModel))\(done)\n"
            }
            if !plan.missingData.isEmpty {
                out += "note: \(plan.missingData.count) data file(s) are missing (marked above); job ids will change once they exist, and `bermo run` refuses to start until then\n"
            }
        }
        return out
    }

    static func flow(_ json: JSONValue) -> String {
        switch json {
        case .object(let o): "{" + o.keys.sorted().map { "\($0): \(flow(o[$0]!))" }.joined(separator: ", ") + "}"
        case .array(let a): "[" + a.map(flow).joined(separator: ", ") + "]"
        default: json.canonical
        }
    }
}
