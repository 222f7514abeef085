import BermoBench
import BermoRuntime
import Foundation
import Testing

@Suite struct BenchRecordTests {
    @Test func recordsAreOneSortedJSONLine() throws {
        let line = try BenchRecord.line(["workload": "encode", "seconds": 1.5, "tokens": 3])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["impl"] as? String == "bermo" && object["tokens"] as? Int == 3 && !line.contains("\n"))
    }

    /// JSON has no NaN: a benchmark that measured one says which field, instead of trapping in a `try!`.
    @Test func aNonFiniteFieldIsAnErrorNamingIt() throws {
        let error = #expect(throws: RuntimeError.self) { try BenchRecord.line(["workload": "encode", "tokens_per_second": Double.nan]) }
        #expect(error?.message.contains("tokens_per_second") == true && error?.message.contains("encode") == true, "\(error?.message ?? "")")
    }
}
