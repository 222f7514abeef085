import Foundation

/// Who owns a fixture's entries and what to tell them: the advice on which version to bump and the
/// command that re-records.
struct GoldenSubjects: Sendable {
    /// The fixture, as messages name it (`Tests/Fixtures/golden/plugin-outputs.json`).
    let fixture: String
    /// What an entry is (`plugin`, `runtime`), for messages.
    let kind: String
    /// `BERMO_RECORD_GOLDEN=1 swift test --filter PluginVersionTests`.
    let recordCommand: String
    /// Which version to bump when `id`'s outputs changed.
    let bumpAdvice: @Sendable (_ id: String) -> String
}

/// What current outputs are, measured against the recorded entry.
enum GoldenVerdict: Equatable, Sendable {
    case matches
    /// Nothing recorded for this subject yet.
    case unrecorded
    /// Same versions as recorded, other outputs: the behaviour changed without a version bump.
    case resultsChanged(differences: [String])
    /// The versions moved on since recording (a bump): the fixture must be re-recorded.
    case versionsChanged(recorded: [String: Int])

    static func of(recorded: GoldenEntry?, current: GoldenEntry, tolerance: GoldenTolerance = GoldenTolerance()) -> GoldenVerdict {
        guard let recorded else { return .unrecorded }
        guard recorded.versions == current.versions else { return .versionsChanged(recorded: recorded.versions) }
        let differences = GoldenDiff.differences(recorded.outputs, current.outputs, tolerance: tolerance)
        return differences.isEmpty ? .matches : .resultsChanged(differences: differences)
    }
}

/// Compares current outputs with a fixture, or records them, with the one rule that makes versions
/// honest: outputs that changed while the versions stayed the same are a failure, and recording refuses
/// to paper over them. Pure over decoded values: the tests that run the real model and the test that
/// proves the mechanism with a test-only plugin share it.
enum GoldenCheck {
    struct Outcome: Equatable, Sendable {
        /// The fixture to write back when recording (unchanged when only checking).
        var file: GoldenFile
        /// One message per problem; empty means the check (or the recording) passed.
        var failures: [String]
    }

    /// Checks `current` (subject id → entry) against `recorded`; with `recording`, also returns the
    /// fixture to write: every new or version-bumped entry replaced, unchanged ones kept as recorded,
    /// entries of subjects that no longer exist dropped, and results changed without a bump refused.
    static func reconcile(recorded: GoldenFile, current: [String: GoldenEntry], subjects: GoldenSubjects,
                          recording: Bool, tolerance: GoldenTolerance = GoldenTolerance()) -> Outcome {
        var file = recorded, failures: [String] = []
        for id in current.keys.sorted() {
            let entry = current[id]!
            let verdict = GoldenVerdict.of(recorded: recorded.entries[id], current: entry, tolerance: tolerance)
            switch verdict {
            case .matches: break
            case .resultsChanged:
                failures.append(message(verdict, id: id, current: entry, subjects: subjects, recording: recording))
            case .unrecorded, .versionsChanged:
                if recording { file.entries[id] = entry } else {
                    failures.append(message(verdict, id: id, current: entry, subjects: subjects, recording: recording))
                }
            }
        }
        for id in recorded.entries.keys.sorted() where current[id] == nil {
            if recording { file.entries[id] = nil } else {
                failures.append("\(subjects.fixture): `\(id)` has recorded outputs but is no \(subjects.kind) of this build; "
                    + "re-record to drop it: `\(subjects.recordCommand)`")
            }
        }
        return Outcome(file: file, failures: failures)
    }

    /// The message for a verdict other than `.matches`.
    static func message(_ verdict: GoldenVerdict, id: String, current: GoldenEntry, subjects: GoldenSubjects, recording: Bool) -> String {
        switch verdict {
        case .matches:
            return "\(subjects.kind) `\(id)`: outputs match"
        case .unrecorded:
            return "\(subjects.kind) `\(id)` has no recorded outputs in \(subjects.fixture); record them: `\(subjects.recordCommand)`"
        case .versionsChanged(let recorded):
            let was = GoldenEntry(versions: recorded, outputs: .null).versionText
            return "\(subjects.kind) `\(id)`: outputs in \(subjects.fixture) were recorded with \(was), now \(current.versionText); "
                + "re-record them: `\(subjects.recordCommand)`"
        case .resultsChanged(let differences):
            let shown = differences.prefix(12).map { "    " + $0 }.joined(separator: "\n")
                + (differences.count > 12 ? "\n    … and \(differences.count - 12) more" : "")
            return "\(subjects.kind) `\(id)`: results changed while \(current.versionText) are the versions they were recorded with"
                + (recording ? " (recording refused: that would hide the change)" : "") + ":\n\(shown)\n"
                + "\(subjects.bumpAdvice(id)), then re-record: `\(subjects.recordCommand)`"
        }
    }

    /// Whether this run records (`BERMO_RECORD_GOLDEN=1`) instead of checking.
    static var recordingRequested: Bool { ProcessInfo.processInfo.environment["BERMO_RECORD_GOLDEN"] == "1" }
}
