/// Which values of a setting are accepted, declared once beside the setting and checked wherever a value
/// arrives from (suite, command line, stored configuration) before any work starts.
///
/// A rule also knows values it rejects (`counterexamples`), so one test can feed every declared setting of
/// every plugin and command a value out of range and check that the error names it.
public struct SettingRule<Value: SettingValue>: Sendable {
    /// What is accepted, as messages and help say it: "an integer in 2...512", "a number > 0".
    public let accepted: String
    /// Values this rule rejects (for tests); empty when every value of the type is accepted.
    public let counterexamples: [JSONValue]
    let test: @Sendable (Value) -> Bool

    public init(accepted: String, counterexamples: [JSONValue], _ test: @escaping @Sendable (Value) -> Bool) {
        self.accepted = accepted; self.counterexamples = counterexamples; self.test = test
    }

    /// Every value of the type.
    public static var any: Self { Self(accepted: Value.expected, counterexamples: []) { _ in true } }

    public func accepts(_ value: Value) -> Bool { test(value) }

    /// Why `value` breaks this rule ("0 is out of range"), or nil: the one wording of every range error,
    /// whether the value came from a suite, a settings option or a plain command-line option.
    public func violation(_ value: Value) -> String? {
        accepts(value) ? nil : "\(value.settingJSON.shortText) is out of range"
    }

    /// This rule and `other` (e.g. a range and a non-empty list).
    public func and(_ other: Self) -> Self {
        Self(accepted: "\(accepted), \(other.accepted)", counterexamples: counterexamples + other.counterexamples) {
            test($0) && other.test($0)
        }
    }
}

/// Numbers a rule can bound. Integers and floating-point values differ in how a boundary is stepped over
/// to make a counterexample (`1` below 2; `-0.001` below 0).
public protocol SettingNumber: SettingValue, Comparable, Sendable {
    /// A value just past `self` in the direction of `sign` (−1 below, +1 above), for counterexamples.
    func stepped(_ sign: Int) -> Self
    /// As messages write it: `1`, not `1.0`; `2e-05`.
    var text: String { get }
}

extension Int: SettingNumber {
    public func stepped(_ sign: Int) -> Int { sign < 0 ? self &- 1 : self &+ 1 }
    public var text: String { String(self) }
}

extension Double: SettingNumber {
    public func stepped(_ sign: Int) -> Double { self + Double(sign) * Swift.max(1e-3, abs(self) * 1e-3) }
    public var text: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : "\(self)" }
}

extension Float: SettingNumber {
    public func stepped(_ sign: Int) -> Float { self + Float(sign) * Swift.max(1e-3, abs(self) * 1e-3) }
    public var text: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : "\(self)" }
}

extension SettingRule where Value: SettingNumber {
    private static func noun() -> String { Value.self == Int.self ? "an integer" : "a number" }

    /// `lower...upper`, both ends included.
    public static func `in`(_ range: ClosedRange<Value>) -> Self {
        Self(accepted: "\(noun()) in \(range.lowerBound.text)...\(range.upperBound.text)",
             counterexamples: [range.lowerBound.stepped(-1).settingJSON, range.upperBound.stepped(1).settingJSON]) { range.contains($0) }
    }

    /// `lower..<upper`: the upper end excluded (a probability that must stay below 1).
    public static func `in`(_ range: Range<Value>) -> Self {
        Self(accepted: "\(noun()) in [\(range.lowerBound.text), \(range.upperBound.text))",
             counterexamples: [range.lowerBound.stepped(-1).settingJSON, range.upperBound.settingJSON]) { range.contains($0) }
    }

    public static func atLeast(_ lower: Value) -> Self {
        Self(accepted: "\(noun()) ≥ \(lower.text)", counterexamples: [lower.stepped(-1).settingJSON]) { $0 >= lower }
    }

    /// Strictly above `lower` (a learning rate must be > 0).
    public static func above(_ lower: Value) -> Self {
        Self(accepted: "\(noun()) > \(lower.text)", counterexamples: [lower.settingJSON, lower.stepped(-1).settingJSON]) { $0 > lower }
    }
}

extension SettingRule {
    /// A list with at least one element, each accepted by `element`.
    public static func nonEmpty<E>(each element: SettingRule<E> = .any) -> Self where Value == [E] {
        Self(accepted: "a non-empty list" + (element.counterexamples.isEmpty ? "" : " of \(element.accepted)"),
             counterexamples: [.array([])] + element.counterexamples.map { .array([$0]) }) { list in
            !list.isEmpty && list.allSatisfy(element.test)
        }
    }
}

extension SettingRule where Value == String {
    /// A non-empty string (a name, a path).
    public static var nonEmpty: Self { Self(accepted: "a non-empty string", counterexamples: [.string("")]) { !$0.isEmpty } }
}

extension SettingRule where Value: SettingNumber {
    /// `(lower, upper]`: above `lower`, at most `upper` (a learning rate: > 0 and ≤ 1).
    public static func above(_ lower: Value, atMost upper: Value) -> Self {
        Self(accepted: "\(noun()) in (\(lower.text), \(upper.text)]",
             counterexamples: [lower.settingJSON, upper.stepped(1).settingJSON]) { $0 > lower && $0 <= upper }
    }
}
