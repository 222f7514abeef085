import BermoRuntime
import Foundation

/// The nine GLUE tasks, named as `run_glue.py`'s `--task_name` and the Hugging Face `glue` dataset configs.
public enum GLUETaskID: String, CaseIterable, Codable, Sendable {
    case cola, sst2, mrpc, stsb, qqp, mnli, qnli, rte, wnli

    /// Accepts the run_glue name (`sst2`), GLUE's folder name (`SST-2`) or the leaderboard name, any case.
    public init?(named name: String) {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        guard let id = GLUETaskID.allCases.first(where: { $0.rawValue == key }) else { return nil }
        self = id
    }

    public var task: GLUETask { GLUETask.catalogue[self]! }
}

/// A GLUE metric, keyed as Hugging Face `evaluate`'s `glue` metric names its outputs.
public enum GLUEMetric: String, Codable, Sendable, CaseIterable {
    case matthewsCorrelation = "matthews_correlation", accuracy, f1, pearson, spearmanr
}

/// A column of a GLUE TSV file: its 0-based position (negative counts from the end, -1 = last, as
/// `line[-1]` in transformers' processors) and the header name expected there (nil for header-less files).
public struct GLUEColumn: Sendable, Equatable {
    public var position: Int
    public var name: String?
    public init(_ position: Int, _ name: String?) { self.position = position; self.name = name }

    func resolved(fieldCount: Int) -> Int { position < 0 ? fieldCount + position : position }
}

/// One labelled evaluation file of a task: `dev.tsv`, or MNLI's `dev_matched.tsv` / `dev_mismatched.tsv`.
public struct GLUEEvalFile: Sendable, Equatable {
    /// The eval set's name in results (`dev`, `dev_matched`, `dev_mismatched`).
    public var name: String
    public var fileName: String
    /// GLUE's example count for this file (header excluded).
    public var expectedExamples: Int
}

/// What to do with a row whose field count differs from the header's, or whose label is empty.
public enum GLUEMalformedRowPolicy: String, Codable, Sendable {
    /// Stop with an error naming the file and line (every task but QQP: its files are clean).
    case fail
    /// Skip the row and count it (QQP, whose train.tsv has rows with missing fields; Hugging Face's
    /// `glue` loader and transformers' `QqpProcessor` drop them the same way).
    case skipAndCount = "skip_and_count"
}

/// A GLUE task as its official files lay it out.
///
/// Column positions and label sets follow the Hugging Face `datasets` `glue` loader (which current
/// `run_glue.py` uses) and transformers' legacy `glue_processors` (which agree on columns). Label *orders*
/// follow the `datasets` loader's `ClassLabel` names, so class index i here is class i there. The legacy
/// processors order MNLI's labels differently (`contradiction, entailment, neutral`); that order matters only
/// when loading a classifier head fine-tuned elsewhere, never for metrics (accuracy does not depend on it).
public struct GLUETask: Sendable {
    public let id: GLUETaskID
    /// The name GLUE's leaderboard and folders use: `CoLA`, `SST-2`, `MNLI`...
    public let displayName: String
    /// The task's folder under `<data-dir>/glue/`.
    public let directoryName: String
    /// Class names in index order (Hugging Face's `ClassLabel` names); nil for regression (STS-B).
    public let labelNames: [String]?
    /// The label as written in the file for each class index (e.g. `0`, `1`, or `entailment`).
    public let fileLabels: [String]?
    /// False only for CoLA's train/dev files, which have no header row (columns: source, label,
    /// original label, sentence).
    public let hasHeader: Bool
    /// Field count of a header-less file (CoLA: 4); header files take it from the header.
    public let headerlessFieldCount: Int?
    public let textColumn: GLUEColumn
    public let pairColumn: GLUEColumn?
    public let labelColumn: GLUEColumn
    public let trainFile: String
    public let expectedTrainExamples: Int
    public let evalFiles: [GLUEEvalFile]
    /// Unlabelled test files (GLUE keeps their labels private); listed for completeness, never loaded.
    public let testFiles: [String]
    /// The metrics GLUE reports for the task; the task score is their unweighted mean.
    public let metrics: [GLUEMetric]
    public let malformedRows: GLUEMalformedRowPolicy

    public var kind: TaskKind { labelNames.map { .classification(labels: $0) } ?? .regression }
    public var isPair: Bool { pairColumn != nil }

    public static let all: [GLUETask] = GLUETaskID.allCases.map { catalogue[$0]! }

    public static func named(_ name: String) throws -> GLUETask {
        guard let id = GLUETaskID(named: name) else {
            throw RuntimeError("'\(name)' is not a GLUE task; use one of \(GLUETaskID.allCases.map(\.rawValue).joined(separator: ", ")) (GLUE folder names such as SST-2 and STS-B are accepted too)")
        }
        return id.task
    }

    static let binary = ["0", "1"]
    static let catalogue: [GLUETaskID: GLUETask] = [
        .cola: GLUETask(id: .cola, displayName: "CoLA", directoryName: "CoLA",
                        labelNames: ["unacceptable", "acceptable"], fileLabels: binary,
                        hasHeader: false, headerlessFieldCount: 4,
                        textColumn: .init(3, nil), pairColumn: nil, labelColumn: .init(1, nil),
                        trainFile: "train.tsv", expectedTrainExamples: 8551,
                        evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 1043)],
                        testFiles: ["test.tsv"], metrics: [.matthewsCorrelation], malformedRows: .fail),
        .sst2: GLUETask(id: .sst2, displayName: "SST-2", directoryName: "SST-2",
                        labelNames: ["negative", "positive"], fileLabels: binary,
                        hasHeader: true, headerlessFieldCount: nil,
                        textColumn: .init(0, "sentence"), pairColumn: nil, labelColumn: .init(1, "label"),
                        trainFile: "train.tsv", expectedTrainExamples: 67349,
                        evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 872)],
                        testFiles: ["test.tsv"], metrics: [.accuracy], malformedRows: .fail),
        .mrpc: GLUETask(id: .mrpc, displayName: "MRPC", directoryName: "MRPC",
                        labelNames: ["not_equivalent", "equivalent"], fileLabels: binary,
                        hasHeader: true, headerlessFieldCount: nil,
                        textColumn: .init(3, "#1 String"), pairColumn: .init(4, "#2 String"),
                        labelColumn: .init(0, "Quality"),
                        trainFile: "train.tsv", expectedTrainExamples: 3668,
                        evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 408)],
                        testFiles: ["test.tsv"], metrics: [.accuracy, .f1], malformedRows: .fail),
        .stsb: GLUETask(id: .stsb, displayName: "STS-B", directoryName: "STS-B",
                        labelNames: nil, fileLabels: nil,
                        hasHeader: true, headerlessFieldCount: nil,
                        textColumn: .init(7, "sentence1"), pairColumn: .init(8, "sentence2"),
                        labelColumn: .init(-1, "score"),
                        trainFile: "train.tsv", expectedTrainExamples: 5749,
                        evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 1500)],
                        testFiles: ["test.tsv"], metrics: [.pearson, .spearmanr], malformedRows: .fail),
        .qqp: GLUETask(id: .qqp, displayName: "QQP", directoryName: "QQP",
                       labelNames: ["not_duplicate", "duplicate"], fileLabels: binary,
                       hasHeader: true, headerlessFieldCount: nil,
                       textColumn: .init(3, "question1"), pairColumn: .init(4, "question2"),
                       labelColumn: .init(5, "is_duplicate"),
                       trainFile: "train.tsv", expectedTrainExamples: 363_846,
                       evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 40430)],
                       testFiles: ["test.tsv"], metrics: [.accuracy, .f1], malformedRows: .skipAndCount),
        .mnli: GLUETask(id: .mnli, displayName: "MNLI", directoryName: "MNLI",
                        labelNames: ["entailment", "neutral", "contradiction"],
                        fileLabels: ["entailment", "neutral", "contradiction"],
                        hasHeader: true, headerlessFieldCount: nil,
                        textColumn: .init(8, "sentence1"), pairColumn: .init(9, "sentence2"),
                        labelColumn: .init(-1, "gold_label"),
                        trainFile: "train.tsv", expectedTrainExamples: 392_702,
                        evalFiles: [.init(name: "dev_matched", fileName: "dev_matched.tsv", expectedExamples: 9815),
                                    .init(name: "dev_mismatched", fileName: "dev_mismatched.tsv", expectedExamples: 9832)],
                        testFiles: ["test_matched.tsv", "test_mismatched.tsv"], metrics: [.accuracy], malformedRows: .fail),
        .qnli: GLUETask(id: .qnli, displayName: "QNLI", directoryName: "QNLI",
                        labelNames: ["entailment", "not_entailment"], fileLabels: ["entailment", "not_entailment"],
                        hasHeader: true, headerlessFieldCount: nil,
                        textColumn: .init(1, "question"), pairColumn: .init(2, "sentence"),
                        labelColumn: .init(-1, "label"),
                        trainFile: "train.tsv", expectedTrainExamples: 104_743,
                        evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 5463)],
                        testFiles: ["test.tsv"], metrics: [.accuracy], malformedRows: .fail),
        .rte: GLUETask(id: .rte, displayName: "RTE", directoryName: "RTE",
                       labelNames: ["entailment", "not_entailment"], fileLabels: ["entailment", "not_entailment"],
                       hasHeader: true, headerlessFieldCount: nil,
                       textColumn: .init(1, "sentence1"), pairColumn: .init(2, "sentence2"),
                       labelColumn: .init(-1, "label"),
                       trainFile: "train.tsv", expectedTrainExamples: 2490,
                       evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 277)],
                       testFiles: ["test.tsv"], metrics: [.accuracy], malformedRows: .fail),
        .wnli: GLUETask(id: .wnli, displayName: "WNLI", directoryName: "WNLI",
                        labelNames: ["not_entailment", "entailment"], fileLabels: binary,
                        hasHeader: true, headerlessFieldCount: nil,
                        textColumn: .init(1, "sentence1"), pairColumn: .init(2, "sentence2"),
                        labelColumn: .init(-1, "label"),
                        trainFile: "train.tsv", expectedTrainExamples: 635,
                        evalFiles: [.init(name: "dev", fileName: "dev.tsv", expectedExamples: 71)],
                        testFiles: ["test.tsv"], metrics: [.accuracy], malformedRows: .fail),
    ]
}
