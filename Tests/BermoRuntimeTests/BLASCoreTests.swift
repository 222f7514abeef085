import BermoRuntime
import Testing

@Suite("OpenBLAS kernel family")
struct BLASCoreTests {
    @Test("a note only when the environment pins AVX2 kernels on an AVX-512 CPU")
    func narrowKernelNote() {
        let avx512: Set<String> = ["fma", "avx2", "avx512f"], avx2: Set<String> = ["fma", "avx2"]
        let note = BLASCore.narrowKernelNote(core: "Haswell", forced: "Haswell", flags: avx512)
        #expect(note?.contains("OPENBLAS_CORETYPE=Haswell") == true)
        #expect(BLASCore.narrowKernelNote(core: "Haswell", forced: nil, flags: avx512) == nil)       // OpenBLAS's own choice
        #expect(BLASCore.narrowKernelNote(core: "Haswell", forced: "Haswell", flags: avx2) == nil)  // nothing wider exists
        #expect(BLASCore.narrowKernelNote(core: "SkylakeX", forced: "SkylakeX", flags: avx512) == nil)
    }

    @Test("the library reports a kernel family, the one the environment names when it names one")
    func reportsCore() {
        let name = BLASCore.name
        #expect(!name.isEmpty && name != "unknown")
        if let forced = BLASCore.forcedByEnvironment { #expect(name.lowercased() == forced.lowercased()) }
    }
}
