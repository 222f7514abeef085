/// The ten SentEval probing tasks (Conneau et al. 2018, "What you can cram into a single $&!#* vector"),
/// named as in the paper, with the file each is read from (`data/probing/<file>` in SentEval).
public enum SentEvalTask: String, CaseIterable, Sendable, Codable {
    case sentLen = "SentLen"
    case wordContent = "WC"
    case treeDepth = "TreeDepth"
    case topConst = "TopConst"
    case bShift = "BShift"
    case tense = "Tense"
    case subjNum = "SubjNum"
    case objNum = "ObjNum"
    case somo = "SOMO"
    case coordInv = "CoordInv"

    public var fileName: String {
        switch self {
        case .sentLen: "sentence_length.txt"
        case .wordContent: "word_content.txt"
        case .treeDepth: "tree_depth.txt"
        case .topConst: "top_constituents.txt"
        case .bShift: "bigram_shift.txt"
        case .tense: "past_present.txt"
        case .subjNum: "subj_number.txt"
        case .objNum: "obj_number.txt"
        case .somo: "odd_man_out.txt"
        case .coordInv: "coordination_inversion.txt"
        }
    }

    /// SentEval's per-task override (`PROBINGEval.run`): WordContent always uses logistic regression,
    /// whatever `nhid` was asked for (a 1000-way MLP is not what the paper probed with).
    public func adjusted(_ config: ProbeConfig) -> ProbeConfig {
        var config = config
        if self == .wordContent { config.hiddenUnits = 0 }
        return config
    }

    /// Accepts the paper's name (`SubjNum`), case-insensitively, or the file's stem (`subj_number`).
    public init?(name: String) {
        let lowered = name.lowercased()
        guard let task = Self.allCases.first(where: {
            $0.rawValue.lowercased() == lowered || $0.fileName.lowercased() == lowered
                || $0.fileName.dropLast(4).lowercased() == lowered
        }) else { return nil }
        self = task
    }

    /// For error messages: every accepted name.
    public static var listing: String {
        allCases.map { "\($0.rawValue) (\($0.fileName))" }.joined(separator: ", ")
    }
}
