import BermoTestSupport
import BermoRuntime
import Foundation
@testable import SentEvalPlugin
import Testing

@Suite struct DatasetParsingTests {
    static func parse(_ text: String, limit: Int? = nil) throws -> SentEvalDataset {
        try SentEvalDataset(data: Data(text.utf8), path: "probe.txt", limit: limit)
    }

    static let small = """
        tr\tPRES\tShe walks   home .
        tr\tPAST\tShe walked home .\r
        tr\tPRES\tHe runs .
        va\tPAST\tThey ran .
        va\tFUT\tThey will run .
        te\tPRES\tIt rains .
        te\tPAST\tIt\trained .

        """

    @Test func fieldsSplitsAndSentencesAreReadAsSentEvalDoes() throws {
        let d = try Self.parse(Self.small)
        #expect(d.examples.count == 7)
        #expect(d.examples.map(\.split) == [.train, .train, .train, .dev, .dev, .test, .test])
        // Whitespace runs collapse (SentEval splits the sentence into tokens); CR is stripped.
        #expect(d.examples[0].sentence == "She walks home .")
        #expect(d.examples[1].sentence == "She walked home .")
        // More than three fields: the sentence is the last one (SentEval's line[-1]).
        #expect(d.examples[6].sentence == "rained .")
        #expect(d.examples[6].label == "PAST")
        #expect(d.examples.map(\.line) == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test func labelsAreTheSortedTrainingLabelsAndUnseenOnesAreCounted() throws {
        let d = try Self.parse(Self.small)
        #expect(d.labels == ["PAST", "PRES"])
        #expect(d.labelIds == [1, 0, 1, 0, -1, 1, 0])
        let dev = d.statistics(.dev)
        #expect(dev.unseenLabelCount == 1)
        #expect(dev.accuracyCeiling == 0.5)
        #expect(d.statistics(.test).accuracyCeiling == 1)
        #expect(d.trainMajorityLabel == "PRES")
        #expect(d.statistics(.train).majorityAccuracy == 2.0 / 3.0)
    }

    @Test func labelOrderIsPythonCodePointOrder() {
        // Python's sorted(): code points, so "10" < "5" and upper case before lower case.
        #expect(SentEvalDataset.sortedLabels(["9", "10", "5", "11"]) == ["10", "11", "5", "9"])
        #expect(SentEvalDataset.sortedLabels(["b", "B", "a", "é", "z"]) == ["B", "a", "b", "z", "é"])
    }

    @Test("a malformed line is reported with file:line", arguments: [
        ("tr\tPRES\tok .\ntr\tPAST\n", 2, "at least 3"),
        ("tr\tPRES\tok .\nxx\tPAST\tok .\n", 2, "split tag"),
        ("tr\tPRES\tok .\nva\t \tok .\n", 2, "label"),
        ("tr\tPRES\tok .\nva\tPAST\t   \n", 2, "at least 3"),
        ("tr\tPRES\tok .\n\nva\tPAST\tok .\n", 2, "at least 3"),
    ])
    func badLines(text: String, line: Int, words: String) throws {
        let error = #expect(throws: RuntimeError.self) { try Self.parse(text) }
        #expect(error?.message.hasPrefix("probe.txt:\(line):") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
    }

    @Test func aMissingSplitIsAnError() throws {
        let error = #expect(throws: RuntimeError.self) { try Self.parse("tr\tA\tx .\nva\tA\ty .\n") }
        #expect(error?.message.contains("'te'") == true)
    }

    @Test func invalidUtf8IsAnErrorNamingLineAndByte() throws {
        let error = #expect(throws: (any Error).self) {
            try SentEvalDataset(data: Data(Array("tr\tA\tok .\n".utf8) + [0x74, 0x72, 0x09, 0xFF, 0x0A]), path: "bad.txt")
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix("bad.txt:2:4:") && text.contains("byte 13 (0xFF)") && text.contains("iconv"), "\(text)")
    }

    /// Python's universal newlines (SentEval opens its files with `open(path, 'r')`) end a line at a lone CR too.
    @Test func oldMacLineEndingsAreLines() throws {
        let d = try Self.parse(Self.small.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "\r"))
        #expect(d.examples.count == 7)
        #expect(d.examples.map(\.line) == [1, 2, 3, 4, 5, 6, 7])
    }

    /// Two files joined with `cat`: the second one's byte-order mark sits before `tr`, which an editor does not show.
    @Test func aByteOrderMarkInsideTheFileIsNamed() throws {
        let joined = "\u{FEFF}tr\tA\tx .\n" + "\u{FEFF}va\tA\ty .\nte\tA\tz .\n"
        let error = #expect(throws: RuntimeError.self) { try Self.parse(joined) }
        #expect(error?.message.hasPrefix("probe.txt:2:") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("'<byte-order mark U+FEFF>va'") == true, "\(error?.message ?? "")")
    }

    @Test func limitKeepsEvenlySpacedLinesOfEachSplit() throws {
        var text = ""
        for i in 0..<10 { text += "tr\t\(i % 2 == 0 ? "A" : "B")\tsentence \(i) .\n" }
        text += "va\tA\tdev .\nte\tB\ttest .\n"
        let d = try Self.parse(text, limit: 4)
        #expect(d.indices(.train).count == 4)
        #expect(d.sentences(.train) == ["sentence 0 .", "sentence 2 .", "sentence 5 .", "sentence 7 ."])
        #expect(d.indices(.dev).count == 1)
        #expect(d.limit == 4)
        #expect(d.fingerprint != (try Self.parse(text)).fingerprint)
    }
}

/// Baselines of the real subsets, against numbers computed independently with Python from the files
/// (and, for word_content and bigram_shift, stated in shared/notes/probing-facts.md).
@Suite struct SubsetStatisticsTests {
    static func load(_ task: SentEvalTask) throws -> SentEvalDataset {
        try SentEvalDataset.load(path: ProbingData.path(task.fileName))
    }

    static func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 5e-6 }

    @Test func wordContentHasLabelsUnseenInTraining() throws {
        let d = try Self.load(.wordContent)
        #expect(d.classCount == 913)
        #expect(d.labels.prefix(3) == ["abandoned", "abruptly", "accent"])
        let dev = d.statistics(.dev), test = d.statistics(.test)
        #expect(dev.count == 691 && test.count == 1144)
        #expect(dev.unseenLabelCount == 62)
        #expect(test.unseenLabelCount == 94)
        #expect(Self.near(test.accuracyCeiling, 0.917832))
        #expect(Self.near(dev.accuracyCeiling, 0.910275))
        #expect(d.trainMajorityLabel == "items")
        #expect(Self.near(d.statistics(.train).majorityAccuracy, 0.013019))
    }

    @Test func bigramShiftMajorityDiffersBetweenSplits() throws {
        let d = try Self.load(.bShift)
        #expect(d.labels == ["I", "O"])
        let dev = d.statistics(.dev), test = d.statistics(.test)
        #expect(dev.majorityLabel == "O" && Self.near(dev.majorityAccuracy, 0.545455))
        #expect(test.majorityLabel == "I" && Self.near(test.majorityAccuracy, 0.517036))
        #expect(Self.near(test.trainMajorityAccuracy, 0.482964))
        #expect(test.unseenLabelCount == 0 && test.accuracyCeiling == 1)
    }

    @Test func treeDepthLabelsSortAsStrings() throws {
        let d = try Self.load(.treeDepth)
        #expect(d.labels == ["10", "11", "5", "6", "7", "8", "9"])
        #expect(d.statistics(.train).count == 2923)
        #expect(Self.near(d.statistics(.test).majorityAccuracy, 0.199149))
        #expect(Self.near(d.statistics(.test).trainMajorityAccuracy, 0.165106))
    }

    @Test func everyTaskFileParses() throws {
        for task in SentEvalTask.allCases {
            let d = try Self.load(task)
            for split in SentEvalSplit.allCases { #expect(d.statistics(split).count > 0, "\(task) \(split)") }
            #expect(d.classCount >= 2, "\(task)")
        }
    }

    @Test func fileHashMatchesSubsetNotes() throws {
        #expect(try Self.load(.tense).fileSha256 == "9b99a89e086afaa2c31d108711f9f45e737593dda005541d74a780349a474a29")
    }

    @Test func taskNamesResolve() {
        #expect(SentEvalTask(name: "subjnum") == .subjNum)
        #expect(SentEvalTask(name: "subj_number") == .subjNum)
        #expect(SentEvalTask(name: "past_present.txt") == .tense)
        #expect(SentEvalTask(name: "nope") == nil)
    }
}

@Suite struct TaskTests {
    @Test func wordContentIsAlwaysProbedLinearly() {
        var config = ProbeConfig()
        config.hiddenUnits = 50
        #expect(SentEvalTask.wordContent.adjusted(config).hiddenUnits == 0)
        #expect(SentEvalTask.subjNum.adjusted(config).hiddenUnits == 50)
    }
}
