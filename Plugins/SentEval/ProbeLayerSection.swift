import BermoHarness
import BermoRuntime
import Foundation

/// What a probing task looks like layer by layer, in the HTML report: for every hidden state the probe's dev
/// and test accuracy (the `bert` variant's per-layer curve; how many seeds chose it on dev) beside the weight
/// each BERMo mix learned for it, so which layers hold the property and which the mix leans on read off one
/// table; above it the reference levels (majority class, test ceiling) every probing number needs.
struct ProbeLayerSection: ReportSectionProvider {
    func sections(_ run: FinishedRun) throws -> [ReportSection] {
        let records = run.records.filter { $0.plugin.id == "senteval.probe" && $0.status == .completed }
        var tasks: [String] = []
        for r in records where !tasks.contains(r.task) { tasks.append(r.task) }
        return try tasks.compactMap { task in try section(task, records.filter { $0.task == task }) }
    }

    func section(_ task: String, _ records: [JobRecord]) throws -> ReportSection? {
        // The per-layer curve of the frozen protocol (fine-tuned probes have none).
        var curves: [(details: ProbeJobDetails, record: JobRecord)] = []
        for r in records {
            let details = try r.details.decoded(as: ProbeJobDetails.self)
            if details.perLayer?.isEmpty == false { curves.append((details, r)) }
        }
        // One variant's curve (the first with one: the `bert` variant), averaged over its seeds.
        curves = curves.filter { $0.record.variantName == curves.first?.record.variantName }
        guard let first = curves.first?.details else { return nil }
        let layers = first.perLayer!.map(\.layer)
        var mixes: [String] = []
        for r in records where r.mix != nil && !mixes.contains(r.variantName) { mixes.append(r.variantName) }

        func meanStd(_ values: [Double]) -> String {
            guard !values.isEmpty else { return "—" }
            let (mean, std) = Aggregate.statistics(values)
            return String(format: "%.2f", 100 * mean) + (std.map { String(format: " ± %.2f", 100 * $0) } ?? "")
        }
        var table = ReportTable(columns: [.init("hidden state", .right), .init("dev accuracy (%)", .right), .init("test accuracy (%)", .right),
                                          .init("best on dev (seeds)", .right)] + mixes.map { .init("\($0) mix weight", .right) })
        for layer in layers {
            let fits = curves.compactMap { $0.details.perLayer?.first { $0.layer == layer } }
            let chosen = curves.filter { $0.details.bestLayer == layer }.count
            let weights = mixes.map { variant -> ReportTable.Cell in
                let ws = records.filter { $0.variantName == variant }.compactMap { r -> Double? in
                    guard let mix = r.mix, let i = (mix.layers ?? Array(mix.weights.indices)).firstIndex(of: layer), i < mix.weights.count else { return nil }
                    return mix.weights[i]
                }
                return ws.isEmpty ? "—" : ReportTable.Cell(String(format: "%.3f", Aggregate.statistics(ws).mean))
            }
            table.rows.append([ReportTable.Cell("\(layer)" + (layer == 0 ? " (embeddings)" : "")),
                               ReportTable.Cell(meanStd(fits.map(\.devAccuracy))),
                               ReportTable.Cell(meanStd(fits.map(\.testAccuracy)), data: ["layer": "\(layer)"]),
                               ReportTable.Cell(chosen == 0 ? "" : "\(chosen) of \(curves.count)", mark: chosen > 0 ? .good : nil)] + weights)
        }
        let references = first.references
        let reference = String(format: "Test split: majority class %.2f%%, ceiling %.2f%% (labels never seen in training cannot be predicted); %d classes; ",
                               100 * (references.majorityAccuracy[SentEvalSplit.test.rawValue] ?? 0), 100 * references.testCeiling, references.classes)
            + "variant \(curves[0].record.variantName), mean ± std over \(curves.count) seed(s)"
            + (first.pooling.map { "; \($0.rawValue) pooling" } ?? "") + "."
        return ReportSection(title: "Probe by layer", task: task, blocks: [.paragraph(reference), .table(table)])
    }
}
