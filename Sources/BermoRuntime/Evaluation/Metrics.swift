import Foundation

/// Evaluation metrics as GLUE defines them (scikit-learn / scipy semantics), computed in Double.
/// Degenerate inputs return 0 rather than NaN where the statistic is undefined because one side is
/// constant (scikit-learn's convention for MCC), so a collapsed model scores 0, not NaN.
/// The length preconditions guard programmer errors, unreachable from input: predictions are always computed
/// from the very examples whose labels they are compared with.
public enum Metrics {
    public static func accuracy(_ predictions: [Int], _ labels: [Int]) -> Double {
        precondition(predictions.count == labels.count)
        guard !labels.isEmpty else { return 0 }
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// F1 of the positive class (label 1), as GLUE reports for MRPC and QQP.
    public static func f1(_ predictions: [Int], _ labels: [Int], positive: Int = 1) -> Double {
        var tp = 0.0, fp = 0.0, fn = 0.0
        for (p, l) in zip(predictions, labels) {
            if p == positive && l == positive { tp += 1 } else if p == positive { fp += 1 } else if l == positive { fn += 1 }
        }
        return tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
    }

    /// Matthews correlation (binary or multi-class, scikit-learn's generalisation); 0 when undefined.
    public static func matthews(_ predictions: [Int], _ labels: [Int]) -> Double {
        let classes = Set(predictions).union(labels).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let k = classes.count
        var c = [Double](repeating: 0, count: k * k)
        for (p, l) in zip(predictions, labels) { c[index[l]! * k + index[p]!] += 1 }
        let s = Double(labels.count)
        var correct = 0.0
        var t = [Double](repeating: 0, count: k), pk = [Double](repeating: 0, count: k)
        for i in 0..<k { correct += c[i * k + i]; for j in 0..<k { t[i] += c[i * k + j]; pk[j] += c[i * k + j] } }
        let cov = correct * s - zip(t, pk).map(*).reduce(0, +)
        let vp = s * s - pk.map { $0 * $0 }.reduce(0, +), vt = s * s - t.map { $0 * $0 }.reduce(0, +)
        let denom = (vp * vt).squareRoot()
        return denom == 0 ? 0 : cov / denom
    }

    /// Pearson correlation; 0 when either side is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let n = Double(x.count)
        guard n > 1 else { return 0 }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        let d = (sxx * syy).squareRoot()
        return d == 0 ? 0 : sxy / d
    }

    /// Spearman rank correlation: Pearson of the ranks, ties given their average rank (scipy).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double { pearson(ranks(x), ranks(y)) }

    static func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            let avg = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = avg }
            i = j + 1
        }
        return r
    }
}
