import BermoRuntime
import Foundation

/// Carves a task's training data out of its dev file(s), for tasks whose train file is absent here (QNLI:
/// only dev.tsv is stored) or on request.
///
/// Each dev file is shuffled with `seed` (fixed and independent of the training seed, so every job of a
/// comparison sees the same split), the first `evalFraction` of it (rounded, at least one row) is held out
/// as that file's eval set and the rest becomes training data; both parts keep file order. Results of such
/// runs are *not* comparable with published GLUE dev numbers: the model is evaluated on part of the dev set
/// after training on the other part, and every result says so (`GLUEDataset.devSplit`, `notes`).
public struct GLUEDevSplit: Settings {
    public enum When: String, Sendable, SettingChoice {
        /// Only when the task's train file is absent (the default).
        case whenTrainMissing = "when_train_missing"
        /// Always, even when a train file exists.
        case always
    }
    @Setting("eval_fraction", .in(0.0001...0.9999), help: "Share of each dev file held out for evaluation; the rest is trained on.")
    public var evalFraction = 0.5
    @Setting("seed", .in(0...Int(Int32.max)), help: "Seed of the shuffle that splits dev (fixed, so every job of a comparison sees the same split).")
    public var seed = 0
    @Setting("when", help: "when_train_missing: only when the task's train file is absent; always: even when it exists.")
    public var when: When = .whenTrainMissing

    public init() {}

    public init(evalFraction: Double = 0.5, seed: Int = 0, when: When = .whenTrainMissing) {
        self.evalFraction = evalFraction; self.seed = seed; self.when = when
    }

    /// Splits `count` rows: the held-out (eval) and training row indices, each in file order.
    public func partition(count: Int) -> (eval: [Int], train: [Int]) {
        var rng = SeededRandom(seed: UInt64(seed) &+ 0x5151_0000)
        var order = Array(0..<count)
        order.shuffle(using: &rng)
        let held = count == 0 ? 0 : min(count - 1, max(1, Int((evalFraction * Double(count)).rounded())))
        return (Array(order[..<held]).sorted(), Array(order[held...]).sorted())
    }
}

/// Which rows of a task to load (run_glue's `max_train_samples` / `max_eval_samples`: the first N rows).
public struct GLUEDataOptions: Sendable, Equatable {
    public var maxTrainSamples: Int?
    public var maxEvalSamples: Int?
    public var devSplit: GLUEDevSplit?
    /// Overrides the task's policy for malformed rows (nil = the task's own: skip and count for QQP only).
    public var malformedRows: GLUEMalformedRowPolicy?

    public init(maxTrainSamples: Int? = nil, maxEvalSamples: Int? = nil, devSplit: GLUEDevSplit? = nil,
                malformedRows: GLUEMalformedRowPolicy? = nil) {
        self.maxTrainSamples = maxTrainSamples; self.maxEvalSamples = maxEvalSamples
        self.devSplit = devSplit; self.malformedRows = malformedRows
    }
}

/// One loaded split.
public struct GLUESplit: Sendable {
    /// `train`, `dev`, `dev_matched`, `dev_mismatched`.
    public var name: String
    /// The file(s) it came from.
    public var source: String
    public var examples: [Example]
    /// Rows skipped as malformed (QQP), as `path:line`.
    public var skippedRows: [String]

    public init(name: String, source: String, examples: [Example], skippedRows: [String] = []) {
        self.name = name; self.source = source; self.examples = examples; self.skippedRows = skippedRows
    }
}

/// A task's data, ready to train and evaluate on.
public struct GLUEDataset: Sendable {
    public var task: GLUETask
    public var train: GLUESplit
    /// In the task's order (MNLI: matched, then mismatched).
    public var evalSets: [GLUESplit]
    /// Set when training data was carved out of dev.
    public var devSplit: GLUEDevSplit?
    /// Facts a report should show: dev split used, files shorter than GLUE's, skipped rows, truncation.
    public var notes: [String]

    public init(task: GLUETask, train: GLUESplit, evalSets: [GLUESplit], devSplit: GLUEDevSplit? = nil, notes: [String] = []) {
        self.task = task; self.train = train; self.evalSets = evalSets; self.devSplit = devSplit; self.notes = notes
    }
}

/// Why a task cannot run here. A typed result, not an error: a missing dataset is a normal state.
public struct GLUESkip: Codable, Sendable, Equatable {
    public var task: GLUETaskID
    public var reason: String
    /// The absent files, as paths.
    public var missingFiles: [String]
}

public enum GLUEAvailability: Sendable {
    case ready(GLUEDataset)
    case skipped(GLUESkip)

    public var dataset: GLUEDataset? { if case .ready(let d) = self { d } else { nil } }
    public var skip: GLUESkip? { if case .skipped(let s) = self { s } else { nil } }
}

/// Where GLUE lives under a data directory: `<data-dir>/glue/<TASK>/`, the layout of GLUE's own download
/// script (`glue_data/<TASK>/`) and of `shared/data`.
public struct GLUEDataDirectory: Sendable {
    /// The data directory (`--data-dir` / `$BERMO_DATA`); GLUE is in its `glue/` folder.
    public let root: URL
    public init(_ dataDirectory: URL) { root = dataDirectory }

    public var glue: URL { root.appendingPathComponent("glue", isDirectory: true) }
    public func folder(_ task: GLUETask) -> URL { glue.appendingPathComponent(task.directoryName, isDirectory: true) }
    public func file(_ task: GLUETask, _ name: String) -> URL { folder(task).appendingPathComponent(name) }

    /// Loads `task`, or says why it cannot (files absent). Throws only for files that exist but are damaged
    /// or for invalid options.
    public func load(_ task: GLUETask, options: GLUEDataOptions = .init()) throws -> GLUEAvailability {
        if let split = options.devSplit {
            do { try split.validate() } catch let e as SettingError { throw RuntimeError("dev_split: \(e)") }
        }
        for (value, field) in [(options.maxTrainSamples, "max_train_samples"), (options.maxEvalSamples, "max_eval_samples")] {
            if let value, value < 1 { throw RuntimeError("\(field) must be at least 1 (got \(value)); omit it to use every row") }
        }
        let fm = FileManager.default
        let trainURL = file(task, task.trainFile)
        let trainPresent = fm.fileExists(atPath: trainURL.path)
        let useDevSplit: GLUEDevSplit? = options.devSplit.flatMap { $0.when == .always || !trainPresent ? $0 : nil }
        var missing = task.evalFiles.map { file(task, $0.fileName).path }.filter { !fm.fileExists(atPath: $0) }
        if !trainPresent && useDevSplit == nil { missing.insert(trainURL.path, at: 0) }
        if !missing.isEmpty {
            return .skipped(GLUESkip(task: task.id, reason: skipReason(task, missing: missing, devSplitAsked: options.devSplit != nil),
                                     missingFiles: missing))
        }

        var notes: [String] = []
        func read(_ url: URL, expected: Int) throws -> GLUEFile {
            let f = try GLUEFile(path: url.path, task: task, policy: options.malformedRows)
            if !f.skippedLines.isEmpty {
                notes.append("\(url.path): skipped \(f.skippedLines.count) malformed row(s) (first at line \(f.skippedLines[0]))")
            }
            if f.examples.count != expected {
                notes.append("\(url.path): \(f.examples.count) examples, GLUE's file has \(expected)")
            }
            return f
        }
        func skippedRows(_ f: GLUEFile) -> [String] { f.skippedLines.map { "\(f.path):\($0)" } }

        var evalSets: [GLUESplit] = [], devTrain: [Example] = [], devTrainSources: [String] = [], devSkipped: [String] = []
        for spec in task.evalFiles {
            let f = try read(file(task, spec.fileName), expected: spec.expectedExamples)
            if let split = useDevSplit {
                let (held, rest) = split.partition(count: f.examples.count)
                evalSets.append(GLUESplit(name: spec.name, source: "\(f.path) (held-out \(held.count) of \(f.examples.count) rows, dev_split seed \(split.seed))",
                                          examples: held.map { f.examples[$0] }, skippedRows: skippedRows(f)))
                devTrain += rest.map { f.examples[$0] }
                devTrainSources.append("\(f.path) (other \(rest.count) rows)")
                devSkipped += skippedRows(f)
            } else {
                evalSets.append(GLUESplit(name: spec.name, source: f.path, examples: f.examples, skippedRows: skippedRows(f)))
            }
        }
        var train: GLUESplit
        if let split = useDevSplit {
            train = GLUESplit(name: "train", source: devTrainSources.joined(separator: " + "), examples: devTrain, skippedRows: devSkipped)
            notes.append("dev_split: training on \(devTrain.count) dev rows and evaluating on the \(evalSets.map { String($0.examples.count) }.joined(separator: "/")) held-out ones (eval_fraction \(split.evalFraction), seed \(split.seed))\(trainPresent ? "" : " because \(trainURL.path) is absent"); not comparable with GLUE dev results")
        } else {
            let f = try read(trainURL, expected: task.expectedTrainExamples)
            train = GLUESplit(name: "train", source: f.path, examples: f.examples, skippedRows: skippedRows(f))
        }
        if let n = options.maxTrainSamples, n < train.examples.count {
            train.examples = Array(train.examples.prefix(n))
            notes.append("max_train_samples: using the first \(n) training rows")
        }
        if let n = options.maxEvalSamples {
            for i in evalSets.indices where n < evalSets[i].examples.count {
                evalSets[i].examples = Array(evalSets[i].examples.prefix(n))
            }
            notes.append("max_eval_samples: evaluating on at most the first \(n) rows of each eval set")
        }
        return .ready(GLUEDataset(task: task, train: train, evalSets: evalSets, devSplit: useDevSplit, notes: notes))
    }

    /// Loads every task (or `tasks`), each ready or skipped.
    public func loadAll(_ tasks: [GLUETask] = GLUETask.all, options: GLUEDataOptions = .init()) throws -> [GLUEAvailability] {
        try tasks.map { try load($0, options: options) }
    }

    private func skipReason(_ task: GLUETask, missing: [String], devSplitAsked: Bool) -> String {
        let names = missing.map { URL(fileURLWithPath: $0).lastPathComponent }
        let fixtures = ((try? FileManager.default.contentsOfDirectory(atPath: folder(task).path)) ?? [])
            .filter { $0.contains(".first") && $0.hasSuffix("rows.tsv") }.sorted()
        var reason = "\(task.displayName): \(names.joined(separator: ", ")) not found in \(folder(task).path)"
        if !fixtures.isEmpty { reason += " (only the head fixtures \(fixtures.joined(separator: ", ")) are there, which are for format tests)" }
        reason += ". Run `bermo data fetch glue --tasks \(task.id.rawValue) --data-dir <dir>` (about \(GLUEDownloads.downloadSizeDescription(task.id)))"
        if names == [task.trainFile] && !devSplitAsked {
            reason += ", or set dev_split to train on part of dev and evaluate on the rest"
        } else {
            reason += ", or point --data-dir at a directory holding glue/\(task.directoryName)/"
        }
        return reason
    }
}
