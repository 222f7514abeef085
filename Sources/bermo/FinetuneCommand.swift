import ArgumentParser
import BermoHarness
import BermoRuntime
import Foundation

/// `bermo finetune`: Hugging Face `run_glue.py`'s vocabulary, BERT or BERMo head, on CPU. The fine-tuning
/// options are `FineTuneConfig`'s settings, the ones suites write (`--learning-rate` is `learning_rate`),
/// checked by the same rules before any work starts.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a BERT (or BERMo) sequence classifier / regressor on TSV data.",
        discussion: "Fine-tuning options (run_glue.py's, as suites write them):\n" + SettingsOptions.help(FineTuneConfig.self))

    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Training TSV with a header row.") var train: String
    @Option(help: "Dev TSV with a header row (evaluated every --eval-steps and at the end).") var dev: String
    @Option(name: .customLong("text-column")) var textColumn = "sentence"
    @Option(name: .customLong("text-pair-column"), help: "Second sentence column for pair tasks.") var textPairColumn: String?
    @Option(name: .customLong("label-column")) var labelColumn = "label"
    @Flag(help: "Regression on a numeric label (MSE loss, one output; reports Pearson and Spearman).") var regression = false
    @Option(help: "bert: pooler over the last layer's [CLS]; bermo: pooler over the learned mix of every layer's [CLS].")
    var head: HeadVariant = .bert
    @Flag(name: .customLong("mix-exclude-embedding"), help: "BERMo: mix encoder layers only, not the embedding output.") var mixExcludeEmbedding = false
    @Flag(name: .customLong("mix-layer-norm"), help: "BERMo: AllenNLP's do_layer_norm on each mixed tensor.") var mixLayerNorm = false
    @Option(help: "Seed of the head's initialisation, dropout and shuffling.") var seed = 42
    @Flag(name: .customLong("skip-bad-rows"), help: "Skip (and count) TSV rows whose field count does not match the header.") var skipBadRows = false
    @Flag(help: "Continue from <output-dir>/checkpoint when it holds a saved state.") var resume = false
    @Option(name: .customLong("output-dir")) var outputDir: String
    @Option(help: "Also write the final model's logits on the dev set here (JSON Lines: index, logits), in dev order.")
    var predictions: String?
    @Argument(parsing: .allUnrecognized, help: "Fine-tuning options (see below).") var settings: [String] = []

    func validate() throws { try OptionRules.check(seed, SeededRandom.seedRule, option: "--seed") }

    func run() throws {
        var config = try reportingErrors { try SettingsOptions.decode(FineTuneConfig.self, from: settings, command: "finetune") }
        config.seed = UInt64(seed)
        // Where the results go is checked before any work: a bad --output-dir or --predictions fails now.
        let out = URL(fileURLWithPath: outputDir)
        try OutputFile.createDirectory(out)
        let logits = try predictions.map { try OutputFile(URL(fileURLWithPath: $0)) }
        let trainTable = try TSVTable(path: train, skipBadRows: skipBadRows)
        let devTable = try TSVTable(path: dev, skipBadRows: skipBadRows)
        let kind: TaskKind = regression ? .regression : .classification(labels: try trainTable.labelSet(labelColumn))
        let trainSet = config.trainLimited(try trainTable.examples(textColumn: textColumn, pairColumn: textPairColumn, labelColumn: labelColumn, kind: kind))
        let devSet = config.evalLimited(try devTable.examples(textColumn: textColumn, pairColumn: textPairColumn, labelColumn: labelColumn, kind: kind))
        for (table, name) in [(trainTable, train), (devTable, dev)] where !table.skippedLines.isEmpty {
            log("skipped \(table.skippedLines.count) malformed row(s) of \(name) (first at line \(table.skippedLines[0]))")
        }

        let mix = head == .bermo ? MixConfig(includeEmbedding: !mixExcludeEmbedding, layerNorm: mixLayerNorm) : nil
        let (model, tokenizer, modelDir) = try modelOptions.load(numLabels: kind.numLabels, mix: mix, seed: config.seed)
        let tuner = try FineTuner(model: model, tokenizer: tokenizer, config: config, kind: kind)

        let checkpointDir = out.appendingPathComponent("checkpoint")
        if resume, TrainerCheckpoint.exists(in: checkpointDir) {
            try TrainerCheckpoint.resume(tuner, from: checkpointDir)
            log("resumed from \(checkpointDir.path) at step \(tuner.step)")
        }
        let total = config.totalSteps(trainCount: trainSet.count)
        let bar = ProgressBar(total: total, label: "finetune", start: tuner.step)
        var lastLoss: Float = .nan
        var saved: TrainerStateFile.SavedCheckpoint?
        let result = try tuner.train(trainSet, dev: devSet, observer: { event in
            switch event {
            case .step(let step, _, let loss):
                lastLoss = loss
                bar.update(step, extra: String(format: "loss %.4f", loss))
            case .evaluation(let entry):
                let metrics = (entry.eval ?? [:]).sorted { $0.key < $1.key }.map { String(format: "%@ %.4f", $0.key, $0.value) }
                bar.note("step \(entry.step): " + metrics.joined(separator: ", ")
                         + (entry.mixWeights.map { "  mix " + $0.map { String(format: "%.3f", $0) }.joined(separator: " ") } ?? ""))
            case .diverged(let step, let reason):
                bar.note("diverged at step \(step): \(reason)")
            }
        }, checkpoint: {
            try TrainerCheckpoint.save($0, sourceDirectory: modelDir, to: checkpointDir)
            saved = .init(step: $0.step, path: checkpointDir.path)
        })
        bar.finish(extra: String(format: "loss %.4f", lastLoss))

        try TrainerResultsFiles.write(tuner, result: result, trainExamples: trainSet.count, checkpoint: saved, to: out)
        if let logits { try Self.writeLogits(try tuner.predict(devSet), numLabels: model.numLabels, to: logits) }
        print(String(data: try JSONEncoder.snake.encode(result.finalEval), encoding: .utf8)!)
    }

    /// One line per dev example: `{"index": 0, "logits": [0.12, -0.3]}` (one logit for regression). Logits that
    /// are not numbers (a diverged run) are an error, as in `bermo encode`: JSON has no NaN.
    static func writeLogits(_ predictions: Predictions, numLabels: Int, to file: OutputFile) throws {
        var text = ""
        for i in 0..<predictions.logits.count / max(numLabels, 1) {
            let row = predictions.logits[(i * numLabels)..<((i + 1) * numLabels)]
            guard row.allSatisfy(\.isFinite) else {
                throw RuntimeError("\(file.url.path): the logits of dev example \(i + 1) are not numbers (NaN or infinite: the "
                    + "model diverged, see eval_results.json), which bermo does not write; no predictions were written")
            }
            text += "{\"index\": \(i), \"logits\": [" + row.map { "\($0)" }.joined(separator: ", ") + "]}\n"
        }
        try file.write(text)
        try file.commit()
    }

    func log(_ s: String) { StandardError.write("bermo: \(s)\n") }
}

extension HeadVariant: ExpressibleByArgument {}

extension JSONEncoder {
    static var snake: JSONEncoder {
        let e = JSONEncoder(); e.keyEncodingStrategy = .convertToSnakeCase; e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }
}

