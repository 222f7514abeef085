import BermoTestSupport
import BermoRuntime
import Foundation
import Testing

/// Gradients of a tiny random BertForSequenceClassification (and its BERMo variant) against PyTorch,
/// from `Tests/Fixtures/tiny-*-classifier/` (regenerate with `scripts/reference/make_gradient_fixture.py`).
///
/// Tolerance: relative error ‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-4 per tensor. Both sides are fp32 with
/// different summation orders, which gives ~1e-6 relative; a wrong term in any backward op gives O(1).
/// The key bias is the exception: its true gradient is exactly zero (adding q·b_k shifts a whole
/// softmax row), so both sides hold rounding noise; there the test asserts that both are negligible
/// (norm below 1e-6 of the whole gradient's norm) instead of comparing noise with noise.
/// The checkpoint is loaded through the normal loader, which also proves that `bert.`-prefixed
/// classifier checkpoints (with their head and mix) load.
@Suite("Gradient parity with PyTorch (tiny random classifier)")
struct GradientParityTests {
    @Test(arguments: HeadVariant.allCases)
    func gradients(variant: HeadVariant) throws {
        Compute.configure(threads: 2)
        let dir = Fixtures.url("tiny-\(variant.rawValue)-classifier")
        let mix = variant == .bermo ? MixConfig() : nil
        let model = try BertModel.load(directory: dir, numLabels: 3, mix: mix)
        #expect(!model.notes.contains { $0.contains("initialised fresh") }, "head must come from the checkpoint: \(model.notes)")
        let ref = try SafetensorsFile(contentsOf: dir.appendingPathComponent("reference.safetensors"))
        let seqs = try (0..<3).map { i in
            (try ref.floats("s\(i).input_ids").map { Int32($0) }, try ref.floats("s\(i).token_type_ids").map { Int32($0) })
        }
        let labels = try ref.floats("labels").map { Int($0) }
        let batch = try model.pack(seqs)
        let acts = Activations(), head = HeadActivations()
        var rng = SeededRandom(seed: 0)
        model.forwardEncoder(batch, acts)
        let logits = model.forwardHead(batch, acts, head, dropout: nil, rng: &rng)
        var dlogits = [Float](repeating: 0, count: 9)
        let loss = dlogits.withUnsafeMutableBufferPointer { model.loss(head, .classes(labels), dlogits: $0.baseAddress) }
        #expect(abs(loss - (try ref.floats("loss"))[0]) < 1e-5)
        let refLogits = try ref.floats("logits")
        for i in 0..<9 { #expect(abs(logits[i] - refLogits[i]) < 1e-5) }

        let grads = ParameterBuffer(count: model.layout.total)
        dlogits.withUnsafeBufferPointer {
            model.backward(batch, acts, head, dlogits: $0.baseAddress!, grads: grads, scratch: GradientScratch())
        }
        var totalNorm = 0.0
        for name in ref.tensorNames where name.hasPrefix("grad.") { totalNorm += try ref.floats(name).reduce(0) { $0 + Double($1 * $1) } }
        totalNorm = totalNorm.squareRoot()
        var checked = 0
        for t in model.layout.tensors {
            let refName = "grad." + ((t.group == .classifier || t.group == .mix) ? t.name : "bert." + t.name)
            let want = try ref.floats(refName)
            var diff = 0.0, norm = 0.0
            for i in 0..<t.count {
                let d = Double(grads[t.offset][i]) - Double(want[i])
                diff += d * d; norm += Double(want[i]) * Double(want[i])
            }
            if t.name.hasSuffix("attention.self.key.bias") {
                let ours = (0..<t.count).reduce(0.0) { $0 + Double(grads[t.offset][$1] * grads[t.offset][$1]) }.squareRoot()
                #expect(ours <= 1e-6 * totalNorm && norm.squareRoot() <= 1e-6 * totalNorm, "\(t.name): \(ours) vs \(norm.squareRoot())")
            } else {
                let rel = (diff / norm).squareRoot()
                #expect(rel <= 1e-4, "\(t.name): relative gradient error \(rel)")
            }
            checked += 1
        }
        #expect(checked == model.layout.tensors.count && checked >= 41)
    }
}
