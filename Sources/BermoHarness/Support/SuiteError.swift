import BermoRuntime
import Foundation
import Synchronization

/// A problem in a suite file that the user has to fix: where it is, which field, what is wrong, and how to fix it.
///
/// Printed as `file:line:column: error: field `x`: message; fix`, the format compilers use, so terminals,
/// editors and CI problem matchers link it to the line.
public struct SuiteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    /// The dotted path of the field (`tasks[sst2].lr`), or nil for file-level problems such as syntax errors.
    public var field: String?
    public var message: String
    /// How to fix it, phrased as an instruction.
    public var fix: String?

    public init(_ location: SourceLocation, field: String? = nil, _ message: String, fix: String? = nil) {
        self.location = location; self.field = field; self.message = message; self.fix = fix
    }

    public var description: String {
        var text = "\(location): error: "
        if let field { text += "`\(field)`: " }
        text += message
        if let fix { text += "; \(fix)" }
        return text
    }
}

/// Several suite problems at once, so one `bermo validate` lists everything to fix instead of one per run.
public struct SuiteErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [SuiteError]
    public init(_ errors: [SuiteError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

extension SuiteErrors {
    /// Throws one located error per key of `entries` outside `allowed`, each with a did-you-mean among
    /// `suggestions` (default `allowed`): `unknown <what> `x` (did you mean `y`?); <fix>`.
    static func checkKeys(_ entries: [ConfigEntry], allowed: [String], suggestions: [String]? = nil, field: String, what: String,
                          fix: String) throws {
        let errors = entries.filter { !allowed.contains($0.key) }.map { e in
            let hint = Suggestions.didYouMean(e.key, among: suggestions ?? allowed)
            return SuiteError(e.keyLocation, field: "\(field).\(e.key)", "unknown \(what) `\(e.key)`" + (hint.isEmpty ? "" : " (\(hint))"), fix: fix)
        }
        if !errors.isEmpty { throw SuiteErrors(errors) }
    }
}

/// Collects errors while a suite is decoded, so decoding can carry on past the first problem.
public final class Diagnostics: Sendable {
    private let collected = Mutex<[SuiteError]>([])

    public init() {}

    public var errors: [SuiteError] { collected.withLock { $0 } }
    public func error(_ error: SuiteError) { collected.withLock { $0.append(error) } }

    /// Records whatever `body` throws (a `SuiteError`, several, or anything else located at `fallback`).
    public func capture<T>(at fallback: SourceLocation, _ body: () throws -> T) -> T? {
        do { return try body() } catch { record(error, at: fallback); return nil }
    }

    public func record(_ error: Error, at fallback: SourceLocation) {
        switch error {
        case let e as SuiteError: self.error(e)
        case let e as SuiteErrors: e.errors.forEach(self.error)
        default: self.error(SuiteError(fallback, ErrorText.describe(error)))
        }
    }

    /// Throws every error collected so far, in file order, if there is any.
    public func throwIfErrors() throws {
        let all = errors
        guard !all.isEmpty else { return }
        throw SuiteErrors(all)
    }
}
