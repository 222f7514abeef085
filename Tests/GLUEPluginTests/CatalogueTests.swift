import BermoTestSupport
import BermoRuntime
import Foundation
import GLUEPlugin
import Testing

@Suite("GLUE catalogue: GLUE's own TSV layouts on the real files")
struct CatalogueTests {
    /// Every GLUE file stored in shared/data, with the example count its MANIFEST gives (= GLUE's counts).
    static let realFiles: [(GLUETaskID, String, Int)] = [
        (.cola, "CoLA/train.tsv", 8551), (.cola, "CoLA/dev.tsv", 1043),
        (.sst2, "SST-2/train.tsv", 67349), (.sst2, "SST-2/dev.tsv", 872),
        (.mrpc, "MRPC/train.tsv", 3668), (.mrpc, "MRPC/dev.tsv", 408),
        (.stsb, "STS-B/train.tsv", 5749), (.stsb, "STS-B/dev.tsv", 1500),
        (.qnli, "QNLI/dev.tsv", 5463),
        (.rte, "RTE/train.tsv", 2490), (.rte, "RTE/dev.tsv", 277),
        (.wnli, "WNLI/train.tsv", 635), (.wnli, "WNLI/dev.tsv", 71),
        // Head fixtures (header + first rows of the canonical files).
        (.mnli, "MNLI/train.first3rows.tsv", 3), (.mnli, "MNLI/dev_matched.first2rows.tsv", 2),
        (.mnli, "MNLI/dev_mismatched.first2rows.tsv", 2), (.qnli, "QNLI/train.first3rows.tsv", 3),
        (.qqp, "QQP/train.first3rows.tsv", 3), (.qqp, "QQP/dev.first2rows.tsv", 2),
    ]

    @Test("every stored GLUE file parses to GLUE's example count, labels in range", arguments: realFiles.indices)
    func realFileCounts(index: Int) throws {
        let (id, path, expected) = Self.realFiles[index]
        let task = id.task
        let file = try GLUEFile(path: DataPaths.glue(path).path, task: task)
        #expect(file.examples.count == expected, "\(path)")
        #expect(file.dataRows == expected && file.skippedLines.isEmpty)
        #expect(file.examples.allSatisfy { !$0.text.isEmpty && ($0.pair != nil) == task.isPair })
        switch task.kind {
        case .classification(let labels):
            #expect(file.examples.allSatisfy { (0..<labels.count).contains($0.label) })
            if expected > 100 { #expect(Set(file.examples.map(\.label)).count == labels.count, "every class occurs") }
        case .regression:
            #expect(file.examples.allSatisfy { (0...5).contains($0.value) })
        }
    }

    @Test("CoLA has no header: the first line is an example (source, label, original label, sentence)")
    func colaHasNoHeader() throws {
        let file = try GLUEFile(path: DataPaths.glue("CoLA/train.tsv").path, task: GLUETaskID.cola.task)
        #expect(file.examples[0].text == "Our friends won't buy this analysis, let alone the next one we propose.")
        #expect(file.examples[0].label == 1)  // "1" = acceptable
        #expect(GLUETaskID.cola.task.labelNames == ["unacceptable", "acceptable"])
        // dev.tsv has no newline after its last row; that row still counts (1,043, not 1,042).
        #expect(try GLUEFile(path: DataPaths.glue("CoLA/dev.tsv").path, task: GLUETaskID.cola.task).examples.count == 1043)
    }

    @Test("MRPC: the byte-order mark before 'Quality' is ignored; columns #1/#2 String, label Quality")
    func mrpcLayout() throws {
        let file = try GLUEFile(path: DataPaths.glue("MRPC/train.tsv").path, task: GLUETaskID.mrpc.task)
        #expect(file.examples[0].text.hasPrefix("Amrozi accused his brother"))
        #expect(file.examples[0].pair?.hasPrefix("Referring to him as only") == true)
        #expect(file.examples[0].label == 1)
    }

    @Test("MNLI fixtures: sentence1/sentence2 at columns 8/9, gold_label last; dev has label1..label5")
    func mnliFixtures() throws {
        let task = GLUETaskID.mnli.task
        #expect(task.labelNames == ["entailment", "neutral", "contradiction"])
        #expect(task.evalFiles.map(\.fileName) == ["dev_matched.tsv", "dev_mismatched.tsv"])
        #expect(task.testFiles == ["test_matched.tsv", "test_mismatched.tsv"])
        let dev = try GLUEFile(path: DataPaths.glue("MNLI/dev_matched.first2rows.tsv").path, task: task)
        #expect(dev.examples[0].text == "The new rights are nice enough")
        #expect(dev.examples[0].pair == "Everyone really likes the newest benefits ")
        #expect(dev.examples[0].label == 1)  // neutral
        let train = try GLUEFile(path: DataPaths.glue("MNLI/train.first3rows.tsv").path, task: task)
        #expect(train.examples.count == 3)
    }

    @Test("QQP: rows with missing fields or no label are skipped and counted, others are errors elsewhere")
    func qqpMalformedRows() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let fixture = try String(contentsOf: DataPaths.glue("QQP/train.first3rows.tsv"), encoding: .utf8)
        let bad = fixture + "201841\t303951\t174364\tHow can I create an Android app?\n"  // line 5: 4 of 6 fields
            + "7\t8\t9\tIs this fine?\tIs this ok?\t\n"                                       // line 6: empty label
            + "1\t2\t3\tWhat is GLUE?\tWhat is the GLUE benchmark?\t1\n"
        let path = try tmp.write(bad, to: "QQP/train.tsv").path
        let file = try GLUEFile(path: path, task: GLUETaskID.qqp.task)
        #expect(file.examples.count == 4)
        #expect(file.skippedLines == [5, 6])
        #expect(file.dataRows == 6)
        #expect(file.examples.last?.label == 1)

        // The same damage in a task whose files are clean is an error naming the file and line.
        let rte = try tmp.write("index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tonly two\n", to: "RTE/dev.tsv").path
        let error = #expect(throws: RuntimeError.self) { try GLUEFile(path: rte, task: GLUETaskID.rte.task) }
        #expect(error?.message.contains("\(rte):3") == true)
        #expect(error?.message.contains("expected 4 tab-separated fields") == true)
        #expect(error?.message.contains("bermo data fetch glue --tasks rte") == true)
    }

    @Test("a wrong header or an unknown label is an error naming file, line and column")
    func layoutErrors() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let swapped = try tmp.write("index\tsentence2\tsentence1\tlabel\n0\ta\tb\tentailment\n", to: "a.tsv").path
        let header = #expect(throws: RuntimeError.self) { try GLUEFile(path: swapped, task: GLUETaskID.rte.task) }
        #expect(header?.message.contains("\(swapped):1") == true && header?.message.contains("'sentence1'") == true)
        let label = try tmp.write("index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tc\td\tneutral\n", to: "b.tsv").path
        let unknown = #expect(throws: RuntimeError.self) { try GLUEFile(path: label, task: GLUETaskID.rte.task) }
        #expect(unknown?.message.contains("\(label):3") == true && unknown?.message.contains("'neutral'") == true)
        let score = try tmp.write("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n0\tg\tf\ty\to\ts\ts\ta\tb\tfive\n", to: "c.tsv").path
        let nan = #expect(throws: RuntimeError.self) { try GLUEFile(path: score, task: GLUETaskID.stsb.task) }
        #expect(nan?.message.contains("\(score):2") == true && nan?.message.contains("'five'") == true)
    }

    @Test("every line ending reads the same rows (Python's universal newlines, as GLUE's loader reads them)",
          arguments: ["\r\n", "\r"])
    func lineEndings(_ ending: String) throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let rows = ["index\tsentence1\tsentence2\tlabel", "0\ta\tb\tentailment", "1\tc\td\tnot_entailment"]
        let path = try tmp.write(rows.joined(separator: ending) + ending, to: "RTE/dev.tsv").path
        let file = try GLUEFile(path: path, task: GLUETaskID.rte.task)
        #expect(file.examples.map(\.text) == ["a", "c"])
        #expect(file.examples.map(\.label) == [0, 1])
    }

    @Test("task names: run_glue names, GLUE folder names, any case")
    func names() throws {
        #expect(GLUETaskID(named: "SST-2") == .sst2 && GLUETaskID(named: "sts-b") == .stsb && GLUETaskID(named: "MNLI") == .mnli)
        #expect(GLUETaskID(named: "squad") == nil)
        #expect(throws: RuntimeError.self) { try GLUETask.named("squad") }
        #expect(GLUETask.all.count == 9)
        #expect(GLUETask.all.map(\.metrics) == [[.matthewsCorrelation], [.accuracy], [.accuracy, .f1], [.pearson, .spearmanr],
                                               [.accuracy, .f1], [.accuracy], [.accuracy], [.accuracy], [.accuracy]])
    }
}

@Suite("GLUE data directory: ready or skipped, dev_split")
struct DataDirectoryTests {
    @Test("on shared/data: MNLI, QQP and QNLI are skipped with the reason, the other six load")
    func sharedData() throws {
        let all = try GLUEDataDirectory(DataPaths.root).loadAll(options: GLUEDataOptions(maxTrainSamples: 10, maxEvalSamples: 5))
        var ready: [GLUETaskID] = [], skipped: [GLUETaskID: GLUESkip] = [:]
        for a in all {
            switch a {
            case .ready(let d): ready.append(d.task.id)
            case .skipped(let s): skipped[s.task] = s
            }
        }
        #expect(ready == [.cola, .sst2, .mrpc, .stsb, .rte, .wnli])
        #expect(Set(skipped.keys) == [.qqp, .mnli, .qnli])
        let mnli = try #require(skipped[.mnli])
        #expect(mnli.missingFiles.map { URL(fileURLWithPath: $0).lastPathComponent } == ["train.tsv", "dev_matched.tsv", "dev_mismatched.tsv"])
        #expect(mnli.reason.contains("train.first3rows.tsv") && mnli.reason.contains("bermo data fetch glue --tasks mnli"))
        let qnli = try #require(skipped[.qnli])
        #expect(qnli.missingFiles.count == 1 && qnli.reason.contains("dev_split"))
        let sst2 = try #require(all[1].dataset)
        #expect(sst2.train.examples.count == 10 && sst2.evalSets.map(\.name) == ["dev"] && sst2.evalSets[0].examples.count == 5)
    }

    @Test("an empty data directory: every task is a typed skip, nothing throws")
    func emptyDirectory() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let all = try GLUEDataDirectory(tmp.url).loadAll()
        #expect(all.compactMap(\.skip).count == 9)
        #expect(all.compactMap(\.skip).allSatisfy { !$0.missingFiles.isEmpty && $0.reason.contains("not found in") })
    }

    @Test("QNLI with dev_split: deterministic, disjoint, covers dev, flagged in the notes")
    func qnliDevSplit() throws {
        let split = GLUEDevSplit(evalFraction: 0.2, seed: 7)
        let dir = GLUEDataDirectory(DataPaths.root)
        let a = try #require(try dir.load(GLUETaskID.qnli.task, options: .init(devSplit: split)).dataset)
        let b = try #require(try dir.load(GLUETaskID.qnli.task, options: .init(devSplit: split)).dataset)
        #expect(a.devSplit == split)
        #expect(a.evalSets[0].examples.count == 1093)  // round(0.2 * 5463)
        #expect(a.train.examples.count + a.evalSets[0].examples.count == 5463)
        #expect(a.train.examples.map(\.text) == b.train.examples.map(\.text))
        let held = Set(a.evalSets[0].examples.map { $0.text + "\t" + ($0.pair ?? "") })
        #expect(!a.train.examples.contains { held.contains($0.text + "\t" + ($0.pair ?? "")) })
        #expect(a.notes.contains { $0.contains("dev_split") && $0.contains("not comparable") })
        // Another seed gives another split; `always` splits even a task that has a train file.
        let c = try #require(try dir.load(GLUETaskID.qnli.task, options: .init(devSplit: GLUEDevSplit(evalFraction: 0.2, seed: 8))).dataset)
        #expect(c.evalSets[0].examples.map(\.text) != a.evalSets[0].examples.map(\.text))
        let rte = try #require(try dir.load(GLUETaskID.rte.task, options: .init(devSplit: GLUEDevSplit(when: .always))).dataset)
        #expect(rte.train.examples.count == 138 && rte.evalSets[0].examples.count == 139)
        let rteDefault = try #require(try dir.load(GLUETaskID.rte.task, options: .init(devSplit: GLUEDevSplit())).dataset)
        #expect(rteDefault.devSplit == nil && rteDefault.train.examples.count == 2490)
        #expect(throws: RuntimeError.self) { try dir.load(GLUETaskID.qnli.task, options: .init(devSplit: GLUEDevSplit(evalFraction: 1))) }
    }

    @Test("MNLI laid out from the fixtures loads both dev sets; QQP counts its skipped rows")
    func mnliAndQQPFromFixtures() throws {
        let tmp = try TemporaryDirectory(); defer { tmp.cleanup() }
        let fm = FileManager.default
        try fm.createDirectory(at: tmp.file("glue/MNLI"), withIntermediateDirectories: true)
        for (from, to) in [("train.first3rows.tsv", "train.tsv"), ("dev_matched.first2rows.tsv", "dev_matched.tsv"),
                           ("dev_mismatched.first2rows.tsv", "dev_mismatched.tsv")] {
            try fm.copyItem(at: DataPaths.glue("MNLI/\(from)"), to: tmp.file("glue/MNLI/\(to)"))
        }
        let mnli = try #require(try GLUEDataDirectory(tmp.url).load(GLUETaskID.mnli.task).dataset)
        #expect(mnli.evalSets.map(\.name) == ["dev_matched", "dev_mismatched"])
        #expect(mnli.evalSets.map(\.examples.count) == [2, 2] && mnli.train.examples.count == 3)
        #expect(mnli.notes.contains { $0.contains("3 examples, GLUE's file has 392702") })

        let train = try String(contentsOf: DataPaths.glue("QQP/train.first3rows.tsv"), encoding: .utf8) + "9\t9\t9\tbroken row\n"
        _ = try tmp.write(train, to: "glue/QQP/train.tsv")
        try fm.copyItem(at: DataPaths.glue("QQP/dev.first2rows.tsv"), to: tmp.file("glue/QQP/dev.tsv"))
        let qqp = try #require(try GLUEDataDirectory(tmp.url).load(GLUETaskID.qqp.task).dataset)
        #expect(qqp.train.examples.count == 3 && qqp.train.skippedRows == [tmp.file("glue/QQP/train.tsv").path + ":5"])
        #expect(qqp.notes.contains { $0.contains("skipped 1 malformed row") })
    }
}
