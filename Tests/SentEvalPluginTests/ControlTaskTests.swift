import BermoTestSupport
import Foundation
import Testing
@testable import SentEvalPlugin

@Suite("senteval.control: control-task labels")
struct ControlTaskTests {
    @Test("same sentences and splits, labels redrawn with the training frequencies, reproducible by seed")
    func controlLabels() throws {
        let real = try SentEvalDataset.load(path: ProbingData.path("past_present.txt"))
        let a = try ControlTaskPlugin.Prepared.controlDataset(real, seed: 3)
        let b = try ControlTaskPlugin.Prepared.controlDataset(real, seed: 3)
        let c = try ControlTaskPlugin.Prepared.controlDataset(real, seed: 4)
        #expect(a.examples.map(\.sentence) == real.examples.map(\.sentence))
        #expect(a.examples.map(\.split) == real.examples.map(\.split))
        #expect(a.examples.map(\.label) == b.examples.map(\.label))
        #expect(a.examples.map(\.label) != c.examples.map(\.label))
        // Labels are no longer tied to the sentences: agreement with the real labels is near chance (2 classes).
        let agree = Double(zip(a.examples, real.examples).filter { $0.label == $1.label }.count) / Double(real.examples.count)
        #expect(agree > 0.4 && agree < 0.6, "agreement \(agree)")
        // Class frequencies follow the training split's.
        let trainPast = Double(real.examples.filter { $0.split == .train && $0.label == "PAST" }.count) / Double(real.indices(.train).count)
        let controlPast = Double(a.examples.filter { $0.label == "PAST" }.count) / Double(a.examples.count)
        #expect(abs(trainPast - controlPast) < 0.03)
    }
}
