import BermoRuntime
import Foundation

/// The stored result of one job: `<output_dir>/jobs/<id>.json`. Written once, atomically, when the job
/// ends; its existence is what makes a rerun skip the job, as long as it was computed by this version of
/// bermo (`bermo.version`; see `SuiteRunner`).
///
/// Schema 2 (bermo 0.2): `status` is one of `completed`, `diverged`, `skipped`; `plugin.version` is an
/// integer; `bermo` records the version, commit and numerics version that computed the job; `details` keys
/// are snake_case. Schema-1 records are not read (their job ids no longer occur: they rerun).
public struct JobRecord: Codable, Sendable, Equatable {
    public static let schemaVersion = 2

    public struct ModelInfo: Codable, Sendable, Equatable {
        public var name: String
        public var weightsSha256: String
        enum CodingKeys: String, CodingKey { case name, weightsSha256 = "weights_sha256" }
    }

    public struct PluginInfo: Codable, Sendable, Equatable {
        public var id: String
        public var version: Int
    }

    public struct Timing: Codable, Sendable, Equatable {
        public var startedAt: String
        public var seconds: Double
        enum CodingKeys: String, CodingKey { case startedAt = "started_at", seconds }
    }

    public var schemaVersion: Int
    public var id: String
    public var suite: String
    public var model: ModelInfo
    /// The variant as `Variant.json` (name, head, mix).
    public var variant: JSONValue
    public var task: String
    public var group: String?
    public var plugin: PluginInfo
    /// What computed the job.
    public var bermo: BermoInfo
    public var seed: Int
    public var status: JobStatus
    /// Why a job was skipped or diverged.
    public var reason: String?
    public var divergedAtStep: Int?
    public var metrics: [String: Double]
    public var metricDeclarations: [MetricDeclaration]
    public var series: [Series]
    public var mix: MixSnapshot?
    public var details: JSONValue
    /// The plugin's resolved configuration (hashed into the id).
    public var configuration: JSONValue
    public var dataFiles: [DataFileDigest]
    public var limit: Int?
    /// Per-example samples, relative to the output directory, when `--log-samples` wrote them.
    public var samplesFile: String?
    public var timing: Timing

    public var variantName: String { variant["name"]?.stringValue ?? "?" }

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", id, suite, model, variant, task, group, plugin, bermo, seed, status, reason
        case divergedAtStep = "diverged_at_step", metrics, metricDeclarations = "metric_declarations", series, mix, details
        case configuration, dataFiles = "data_files", limit, samplesFile = "samples_file", timing
    }
}

/// A job whose plugin threw: not stored as finished (a rerun retries it), but listed in the results.
public struct JobFailure: Codable, Sendable, Equatable {
    public var id: String
    public var task: String
    public var variant: String
    public var model: String
    public var seed: Int
    public var error: String
    /// How many times it has failed (absent in results of bermo 0.1).
    public var attempts: Int?

    public init(id: String, task: String, variant: String, model: String, seed: Int, error: String, attempts: Int? = nil) {
        self.id = id; self.task = task; self.variant = variant; self.model = model; self.seed = seed; self.error = error
        self.attempts = attempts
    }
}

/// JSON coding shared by every harness file: NaN and infinities are written as strings rather than
/// making the whole file unwritable (a diverged loss curve contains them).
public enum HarnessJSON {
    public static func encoder(snakeCase: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static func decoder(snakeCase: Bool = false) -> JSONDecoder {
        let decoder = JSONDecoder()
        if snakeCase { decoder.keyDecodingStrategy = .convertFromSnakeCase }
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    public static func write<T: Encodable>(_ value: T, to url: URL) throws {
        var data = try encoder().encode(value)
        data.append(0x0A)
        try AtomicFile.write(data, to: url)
    }

    /// Decodes `url`, with a message that names the file and the field that did not fit.
    public static func read<T: Decodable>(_ type: T.Type, from url: URL, what: String) throws -> T {
        let file = try TextFile(contentsOf: url.path, unreadableFix: "check the path of the \(what)")
        let value: T
        do { value = try decoder().decode(T.self, from: Data(file.bytes)) } catch let error as DecodingError {
            throw HarnessError("\(url.path): not a valid \(what): \(describe(error)); it should be a file written by `bermo run`")
        }
        if let d = JSONDuplicateKeys.first(in: file.bytes) { throw HarnessError(JSONDuplicateKeys.message(d, file: url.path)) }
        return value
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field `\(path(context.codingPath + [key]))`"
        case .typeMismatch(let type, let context): return "field `\(path(context.codingPath))` should be \(type)"
        case .valueNotFound(let type, let context): return "field `\(path(context.codingPath))` is null, expected \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON (\(context.debugDescription))" : "field `\(path(context.codingPath))`: \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
