import Foundation

/// Turns the series jobs reported into one chart per (task, series name): a line per variant (per model
/// too when the suite has several) at the mean over seeds, with a ± std band.
public enum PlotReport {
    public struct Plot {
        public var task: String
        public var series: String
        public var fileName: String
        public var chart: SVGLineChart
    }

    public static func plots(_ records: [JobRecord]) -> [Plot] {
        let usable = records.filter { $0.status != .skipped && !$0.series.isEmpty }
        let showModel = Set(records.map(\.model.name)).count > 1
        var keys: [(String, String)] = []
        for r in usable { for s in r.series where !keys.contains(where: { $0 == (r.task, s.name) }) { keys.append((r.task, s.name)) } }
        return keys.map { task, name in
            var labels: [String] = []
            var byLine: [String: [Double: [Double]]] = [:]
            var xLabel = "", yLabel = ""
            for r in usable where r.task == task {
                for s in r.series where s.name == name {
                    let label = (s.variant ?? r.variantName) + (showModel ? " (\(r.model.name))" : "")
                    if !labels.contains(label) { labels.append(label) }
                    xLabel = s.xLabel; yLabel = s.yLabel
                    for p in s.points { byLine[label, default: [:]][p.x, default: []].append(p.y) }
                }
            }
            let lines = labels.map { label in
                SVGLineChart.Line(label: label, points: (byLine[label] ?? [:]).map { x, ys in
                    let (mean, std) = Aggregate.statistics(ys)
                    return SVGLineChart.Point(x: x, mean: mean, lower: std.map { mean - $0 }, upper: std.map { mean + $0 })
                })
            }
            let chart = SVGLineChart(title: "\(task): \(name)", xLabel: xLabel, yLabel: yLabel + " (mean ± std over seeds)", lines: lines)
            return Plot(task: task, series: name, fileName: "\(sanitize(task))-\(sanitize(name)).svg", chart: chart)
        }
    }

    static func sanitize(_ s: String) -> String {
        String(s.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) ? Character($0) : "_" })
    }
}
