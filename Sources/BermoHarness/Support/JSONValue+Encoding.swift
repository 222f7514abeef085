import BermoRuntime
import Foundation

extension JSONValue {
    /// Any `Encodable` value as a JSON tree with snake_case keys: the one way the harness and its plugins
    /// turn typed values (a plugin's job details, samples) into what job files store. Dictionary keys are
    /// data and stay as they are; NaN and infinities become strings, as everywhere in result files.
    public init<T: Encodable>(encoding value: T) throws {
        self = try HarnessJSON.decoder().decode(JSONValue.self, from: HarnessJSON.encoder(snakeCase: true).encode(value))
    }

    /// The typed value a tree written by `init(encoding:)` holds (a plugin's report reading its jobs'
    /// details). Throws a message naming the field that does not fit.
    public func decoded<T: Decodable>(as type: T.Type) throws -> T {
        let data = try HarnessJSON.encoder().encode(self)
        do { return try HarnessJSON.decoder(snakeCase: true).decode(T.self, from: data) } catch let error as DecodingError {
            throw HarnessError("cannot read \(T.self) from a job's details: \(HarnessJSON.describe(error))")
        }
    }
}
