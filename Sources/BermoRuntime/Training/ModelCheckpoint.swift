import Foundation

/// Saves a (fine-tuned) model as a Hugging Face directory that `transformers` loads back:
/// `model.safetensors` with `BertForSequenceClassification` names (encoder and pooler under `bert.`,
/// `classifier.*`; the BERMo mix as `bermo.scalar_mix.*`, which transformers ignores with a warning),
/// `config.json` (the source config plus labels and a `bermo` section) and the tokenizer files.
public enum ModelCheckpoint {
    public static func save(_ model: BertModel, sourceDirectory: URL, kind: TaskKind?, to dir: URL,
                            parameters: ParameterBuffer? = nil) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let params = parameters ?? model.parameters
        let tensors = model.layout.tensors.map { t -> (name: String, shape: [Int], values: UnsafeBufferPointer<Float>) in
            let hfName = (t.group == .classifier || t.group == .mix) ? t.name : "bert." + t.name
            return (hfName, t.shape, UnsafeBufferPointer(start: params[t.offset], count: t.count))
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt", "producer": "bermo"],
                                    to: dir.appendingPathComponent("model.safetensors"))
        // config.json: keep every field of the source, add what a classifier needs.
        let src = sourceDirectory.appendingPathComponent("config.json")
        var config = (try? JSONSerialization.jsonObject(with: Data(contentsOf: src))) as? [String: Any] ?? [:]
        if let kind {
            config["architectures"] = ["BertForSequenceClassification"]
            switch kind {
            case .classification(let labels):
                config["id2label"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0), $1) })
                config["label2id"] = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            case .regression:
                config["id2label"] = ["0": "LABEL_0"]; config["label2id"] = ["LABEL_0": 0]
                config["problem_type"] = "regression"
            }
        }
        if let mix = model.mix {
            config["bermo"] = ["head": "bermo", "mix_layers": model.mixLayers, "layer_norm": mix.layerNorm,
                               "include_embedding": mix.includeEmbedding, "trainable": mix.trainable]
        }
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try json.write(to: dir.appendingPathComponent("config.json"), options: .atomic)
        for name in TokenizerLayout.fileNames {
            let from = sourceDirectory.appendingPathComponent(name), to = dir.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: from.path), from.standardizedFileURL != to.standardizedFileURL else { continue }
            try? FileManager.default.removeItem(at: to)
            try FileManager.default.copyItem(at: from, to: to)
        }
    }
}

/// A resumable training state: the model checkpoint, AdamW's moments, the step, the dropout RNG, the log
/// so far and the training hook's own state (e.g. pruning scores). Written after each evaluation into a
/// sibling `<dir>.partial` folder that then replaces `<dir>` by two renames, so a run killed at any moment
/// leaves either the previous complete state or the new one (in `<dir>` or, between the renames, `<dir>.old`).
public enum TrainerCheckpoint {
    /// What resuming reads from `trainer_state.json` (`TrainerStateFile`): transformers' `global_step` and bermo's
    /// section. A checkpoint written before the file took transformers' layout (bermo's fields at the top level)
    /// still resumes.
    struct Stored: Decodable {
        var globalStep: Int
        var state: TrainerStateFile.Section

        enum Keys: String, CodingKey { case globalStep, bermo }

        /// `global_step` is read as a JSON value first: Foundation (on Linux) reports 1.5 where an integer belongs
        /// as "not valid JSON" without naming the field, and this is the field a hand edit is most likely to break.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            guard case .int(let step) = try c.decode(JSONValue.self, forKey: .globalStep) else {
                throw DecodingError.typeMismatch(Int.self, .init(codingPath: c.codingPath + [Keys.globalStep], debugDescription: ""))
            }
            globalStep = step
            state = c.contains(.bermo) ? try c.decode(TrainerStateFile.Section.self, forKey: .bermo)
                                       : try TrainerStateFile.Section(from: decoder)
        }

        /// What decoding cannot check: a step count is not negative and the log does not run ahead of it
        /// (whether the step lies within the run is known only when training starts: `FineTuner.train`).
        func check() throws {
            guard globalStep >= 0 else {
                throw RuntimeError("global_step is \(globalStep), but a step count cannot be negative")
            }
            if let (index, entry) = state.logHistory.enumerated().first(where: { $0.element.step < 0 || $0.element.step > globalStep }) {
                throw RuntimeError("bermo.log_history[\(index)] is at step \(entry.step), outside 0...global_step \(globalStep)")
            }
        }
    }

    /// Saves `tuner` (and its hook's state) into `dir`; `extraFiles` (name → contents) are written into the
    /// same folder, atomically with the rest (e.g. a caller's own curve).
    public static func save(_ tuner: FineTuner, sourceDirectory: URL, to dir: URL, extraFiles: [String: Data] = [:]) throws {
        let fm = FileManager.default
        let partial = sibling(dir, "partial"), old = sibling(dir, "old")
        try? fm.removeItem(at: partial)
        try ModelCheckpoint.save(tuner.model, sourceDirectory: sourceDirectory, kind: tuner.kind, to: partial)
        let n = tuner.model.layout.total
        try SafetensorsWriter.write([("adamw.m", [n], UnsafeBufferPointer(start: tuner.optimizer.m.base, count: n)),
                                     ("adamw.v", [n], UnsafeBufferPointer(start: tuner.optimizer.v.base, count: n))],
                                    to: partial.appendingPathComponent("optimizer.safetensors"))
        try tuner.hook?.saveState(to: partial)
        for (name, data) in extraFiles { try data.write(to: partial.appendingPathComponent(name)) }
        try TrainerStateFile.document(tuner, checkpoint: .init(step: tuner.step, path: dir.path))
            .write(to: partial.appendingPathComponent("trainer_state.json"))
        try? fm.removeItem(at: old)
        if fm.fileExists(atPath: dir.path) { try fm.moveItem(at: dir, to: old) }
        try fm.moveItem(at: partial, to: dir)
        try? fm.removeItem(at: old)
    }

    /// The folder holding the latest complete state under `dir` (`dir` itself, or `<dir>.old` when a run
    /// was killed between the two renames of `save`), or nil.
    public static func latest(in dir: URL) -> URL? {
        [dir, sibling(dir, "old")].first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("trainer_state.json").path) }
    }

    /// True when `dir` holds a complete state to resume from.
    public static func exists(in dir: URL) -> Bool { latest(in: dir) != nil }

    /// Removes a checkpoint and any leftovers of an interrupted save.
    public static func remove(_ dir: URL) {
        for d in [dir, sibling(dir, "partial"), sibling(dir, "old")] { try? FileManager.default.removeItem(at: d) }
    }

    static func sibling(_ dir: URL, _ suffix: String) -> URL {
        let d = dir.standardizedFileURL
        return d.deletingLastPathComponent().appendingPathComponent(d.lastPathComponent + "." + suffix, isDirectory: true)
    }

    /// Loads weights, moments, step, RNG, log and the hook's state into `tuner` (built with the same model
    /// shape, hyper-parameters and hook).
    public static func resume(_ tuner: FineTuner, from dir: URL) throws {
        guard let dir = latest(in: dir) else {
            throw RuntimeError("\(dir.path): no trainer_state.json to resume from; start without resuming")
        }
        let dec = JSONDecoder(); dec.keyDecodingStrategy = .convertFromSnakeCase
        let statePath = dir.appendingPathComponent("trainer_state.json")
        let stored: Stored
        do {
            let data = try Data(contentsOf: statePath)
            do { stored = try dec.decode(Stored.self, from: data) } catch let error as DecodingError {
                throw RuntimeError(DecodingErrorText.describe(error, in: data, snakeCaseKeys: true))
            }
            try stored.check()
        } catch {
            let problem = (error as? RuntimeError)?.message ?? error.localizedDescription
            throw RuntimeError("\(statePath.path): cannot resume from this trainer state: \(problem); delete the checkpoint "
                + "folder to start over")
        }
        let state = stored.state
        let saved = try? FineTuneConfig.decode(from: JSONSettingsSource(state.settings, origin: statePath.path), defaults: tuner.config)
        guard saved == tuner.config, state.seed == tuner.config.seed else {
            throw RuntimeError("\(statePath.path) was written with different hyper-parameters; resume with the same options or use a new --output-dir")
        }
        try tuner.model.loadWeights(from: SafetensorsFile(contentsOf: dir.appendingPathComponent("model.safetensors")),
                                    path: dir.appendingPathComponent("model.safetensors").path, requireHead: true)
        let opt = try SafetensorsFile(contentsOf: dir.appendingPathComponent("optimizer.safetensors"))
        try opt.copyFloats("adamw.m", into: tuner.optimizer.m.base, count: tuner.model.layout.total)
        try opt.copyFloats("adamw.v", into: tuner.optimizer.v.base, count: tuner.model.layout.total)
        tuner.restore(step: stored.globalStep, rng: state.rng, history: state.logHistory, from: statePath)
        try tuner.hook?.restoreState(from: dir)
    }
}
