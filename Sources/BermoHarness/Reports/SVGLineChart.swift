import Foundation

/// A small, dependency-free SVG line chart: one line per series (the mean) with a shaded band (e.g. ± std
/// over seeds), axes with "nice" ticks, a legend and a title. Enough for learning curves and per-layer
/// probing plots, viewable in any browser and in GitHub's file view.
public struct SVGLineChart: Sendable {
    public struct Point: Sendable, Equatable {
        public var x: Double, mean: Double, lower: Double, upper: Double
        public init(x: Double, mean: Double, lower: Double? = nil, upper: Double? = nil) {
            self.x = x; self.mean = mean; self.lower = lower ?? mean; self.upper = upper ?? mean
        }
    }

    public struct Line: Sendable {
        public var label: String
        public var points: [Point]
        public init(label: String, points: [Point]) { self.label = label; self.points = points.sorted { $0.x < $1.x } }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var lines: [Line]
    public var width = 760.0
    public var height = 440.0
    /// How x positions map to the page. `.log10` suits quantities spanning decades (remaining weights from
    /// 80% down to 0.5%), where a linear axis would crowd every high-sparsity point against zero.
    public var xScale: Scale = .linear

    public enum Scale: Sendable { case linear, log10 }

    public init(title: String, xLabel: String, yLabel: String, lines: [Line]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.lines = lines
    }

    /// Colour-blind-friendly palette (Okabe–Ito), cycled.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    let left = 72.0, right = 180.0, top = 44.0, bottom = 58.0

    public func render() -> String {
        let finite = lines.flatMap(\.points).filter { $0.x.isFinite && $0.mean.isFinite }
        let logX = xScale == .log10
        /// A log axis has no place for x ≤ 0.
        func placeable(_ x: Double) -> Bool { x.isFinite && (!logX || x > 0) }
        let xs = finite.map(\.x).filter(placeable)
        let ys = finite.flatMap { [$0.mean, $0.lower, $0.upper] }.filter(\.isFinite)
        let xTicks = logX ? Self.logTicks(min: xs.min() ?? 1, max: xs.max() ?? 10) : Self.ticks(min: xs.min() ?? 0, max: xs.max() ?? 1)
        let yTicks = Self.ticks(min: ys.min() ?? 0, max: ys.max() ?? 1)
        let x0 = xTicks.first!, x1 = xTicks.last!, y0 = yTicks.first!, y1 = yTicks.last!
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double {
            logX ? left + (log10(x) - log10(x0)) / (log10(x1) - log10(x0)) * plotW : left + (x - x0) / (x1 - x0) * plotW
        }
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }

        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
          <title>\(XML.escape(title))</title>
          <rect x="0" y="0" width="\(f(width))" height="\(f(height))" fill="white"/>
          <text class="title" x="\(f(left + plotW / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(XML.escape(title))</text>

        """
        // Grid, ticks and tick labels.
        let xDigits = Self.decimals(xTicks), yDigits = Self.decimals(yTicks)
        for t in xTicks {
            svg += "  <line class=\"grid\" x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH))\" stroke=\"#e5e5e5\"/>\n"
            let label = logX ? String(format: "%g", t) : String(format: "%.\(xDigits)f", t)
            svg += "  <text class=\"tick\" x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(label)</text>\n"
        }
        for t in yTicks {
            svg += "  <line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#e5e5e5\"/>\n"
            svg += "  <text class=\"tick\" x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(String(format: "%.\(yDigits)f", t))</text>\n"
        }
        // Axes and their labels.
        svg += "  <path class=\"axis\" d=\"M\(f(left)) \(f(top)) L\(f(left)) \(f(top + plotH)) L\(f(left + plotW)) \(f(top + plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        svg += "  <text class=\"xlabel\" x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(XML.escape(xLabel))</text>\n"
        svg += "  <text class=\"ylabel\" x=\"18\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(top + plotH / 2)))\">\(XML.escape(yLabel))</text>\n"

        // Bands first, so every line is drawn on top of every band.
        for (i, line) in lines.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let pts = line.points.filter { placeable($0.x) && $0.lower.isFinite && $0.upper.isFinite }
            guard pts.count > 1, pts.contains(where: { $0.upper > $0.lower }) else { continue }
            let upper = pts.map { "\(f(px($0.x))) \(f(py($0.upper)))" }
            let lower = pts.reversed().map { "\(f(px($0.x))) \(f(py($0.lower)))" }
            svg += "  <path class=\"band\" data-series=\"\(XML.escape(line.label))\" d=\"M" + (upper + lower).joined(separator: " L") + " Z\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
        }
        for (i, line) in lines.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let pts = line.points.filter { placeable($0.x) && $0.mean.isFinite }
            guard let first = pts.first else { continue }
            let d = "M\(f(px(first.x))) \(f(py(first.mean)))" + pts.dropFirst().map { " L\(f(px($0.x))) \(f(py($0.mean)))" }.joined()
            svg += "  <path class=\"line\" data-series=\"\(XML.escape(line.label))\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for p in pts {
                svg += "  <circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.mean)))\" r=\"2.5\" fill=\"\(color)\"/>\n"
            }
        }
        // Legend.
        for (i, line) in lines.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let y = top + 10 + Double(i) * 20
            svg += "  <line class=\"legend\" x1=\"\(f(width - right + 16))\" y1=\"\(f(y))\" x2=\"\(f(width - right + 40))\" y2=\"\(f(y))\" stroke=\"\(color)\" stroke-width=\"3\"/>\n"
            svg += "  <text class=\"legend\" x=\"\(f(width - right + 46))\" y=\"\(f(y + 4))\">\(XML.escape(line.label))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Ticks at 1, 2 or 5 × 10^k covering [min, max] with about five intervals; a flat range is widened.
    static func ticks(min lo: Double, max hi: Double) -> [Double] {
        var lo = lo, hi = hi
        if !(hi > lo) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.05
            lo -= pad; hi += pad
        }
        let raw = (hi - lo) / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = Int(floor(lo / step + 1e-9)), last = Int(ceil(hi / step - 1e-9))
        // Multiples of the step, rounded to its decimals, so 8 × 0.1 prints and compares as 0.8.
        let scale = pow(10, Double(max(0, -Int(floor(log10(step))) + 1)))
        let ticks = (first...max(last, first + 1)).map { (Double($0) * step * scale).rounded() / scale }
        return ticks
    }

    /// Log-axis ticks: 1, 2 and 5 × 10^k from the one at or below `min` to the one at or above `max` (positive
    /// values only; only the powers of ten and the two ends when that would be more than ten ticks); a range
    /// within one such step is widened to its neighbours.
    static func logTicks(min lo: Double, max hi: Double) -> [Double] {
        let lo = lo > 0 ? lo : 1, hi = Swift.max(hi, lo)
        var ticks: [Double] = []
        var k = Int(floor(log10(lo))) - 1
        // Up to a tick above `max`, so a `max` that is itself a tick (one pruning level at 50%) still has the neighbour
        // a flat range is widened to.
        while ticks.last.map({ $0 <= hi * (1 + 1e-9) }) ?? true {
            for m in [1.0, 2, 5] { ticks.append((m * pow(10, Double(k)) * 1e9).rounded() / 1e9) }
            k += 1
        }
        let first = ticks.lastIndex { $0 <= lo * (1 + 1e-9) } ?? 0
        let last = ticks.firstIndex { $0 >= hi * (1 - 1e-9) } ?? ticks.count - 1
        let shown = Array(ticks[first...Swift.max(last, first + 1)])
        // Beyond about three decades 1-2-5 labels collide: keep the powers of ten (and the ends).
        guard shown.count > 10 else { return shown }
        return shown.enumerated().filter { i, t in
            i == 0 || i == shown.count - 1 || abs(log10(t) - log10(t).rounded()) < 1e-9
        }.map(\.element)
    }

    /// The tick positions `render` uses for a data range (exposed for tests).
    public static func ticksForTesting(min lo: Double, max hi: Double) -> [Double] { ticks(min: lo, max: hi) }
    public static func logTicksForTesting(min lo: Double, max hi: Double) -> [Double] { logTicks(min: lo, max: hi) }

    /// Decimals needed to tell ticks apart.
    static func decimals(_ ticks: [Double]) -> Int {
        guard ticks.count > 1 else { return 0 }
        let step = abs(ticks[1] - ticks[0])
        return max(0, min(6, Int(-floor(log10(step) + 1e-9))))
    }
}
