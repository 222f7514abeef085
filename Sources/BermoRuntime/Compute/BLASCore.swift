import COpenBLAS
import Foundation

/// Which OpenBLAS kernel family does our matrix products, and whether the environment held it back.
///
/// OpenBLAS picks its kernels once, when the library loads, from the CPU, unless `OPENBLAS_CORETYPE`
/// names a family. Some machines set that variable for every process (this project's CI machines pin
/// `Haswell`), which on an AVX-512 CPU halves sgemm: measured here 117 GFLOP/s with the Haswell kernels
/// against 218–236 with SkylakeX/Cooperlake, one thread, on this model's [2048×384]·[384×1536] product.
/// bermo respects the variable (it is the user's to set) but says what it costs, once per command.
public enum BLASCore {
    /// The family OpenBLAS is using (e.g. `Haswell`, `SkylakeX`, `Cooperlake`, `Zen`).
    public static var name: String {
        guard let c = openblas_get_corename() else { return "unknown" }
        return String(cString: c)
    }

    /// `OPENBLAS_CORETYPE` as set in the environment, if any.
    public static var forcedByEnvironment: String? {
        ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The x86 CPU flags from `/proc/cpuinfo` (empty elsewhere).
    public static let cpuFlags: Set<String> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }()

    /// Families whose sgemm uses 256-bit vectors only.
    static let avx2Families: Set<String> = ["haswell", "zen", "sandybridge", "excavator", "steamroller", "piledriver", "bulldozer"]

    /// A one-line note when the environment pinned AVX2 kernels on a CPU that has AVX-512, else nil.
    public static func narrowKernelNote(core: String = name, forced: String? = forcedByEnvironment,
                                        flags: Set<String> = cpuFlags) -> String? {
        guard let forced, flags.contains("avx512f"), avx2Families.contains(core.lowercased()) else { return nil }
        return "OpenBLAS uses its \(core) (AVX2) kernels because OPENBLAS_CORETYPE=\(forced) is set, but this CPU has "
            + "AVX-512: matrix products run about 2x faster with the variable unset (`env -u OPENBLAS_CORETYPE bermo …`)"
    }
}
