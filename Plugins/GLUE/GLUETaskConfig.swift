import BermoHarness
import BermoRuntime

/// A `glue.finetune` task's parameters: which GLUE task, how to split dev when there is no train file,
/// the convergence target, and run_glue's fine-tuning settings (the shared `FineTuneConfig`, written at
/// the same level: `learning_rate: 5e-5` beside `glue_task: sst2`).
public struct GLUETaskConfig: Settings {
    @Setting("glue_task", help: "The GLUE task (run_glue's name or GLUE's folder name); default: the task id.")
    public var glueTask: GLUETaskID? = nil
    @SettingGroup("dev_split", help: "Train on part of dev when the task's train file is absent (QNLI here), e.g. {eval_fraction: 0.2}.")
    public var devSplit: GLUEDevSplit? = nil
    @Setting("convergence_target", .in(-1...1), help: "A fixed dev score whose first crossing is reported as `steps_to_target`.")
    public var convergenceTarget: Double? = nil
    @Setting("eval_on_start", help: "Also evaluate before the first step, so dev curves start from the untrained head.")
    public var evalOnStart = false
    /// Not part of the configuration hashed into job ids: it does not change what is computed.
    @Setting("save_checkpoints", changesResults: false,
             help: "Save a resumable state into the job's artifacts at every evaluation and resume from it when the job is run again.")
    public var saveCheckpoints = false
    @InlineSettings public var training = FineTuneConfig()

    public init() {}

    /// The task, defaulting to the task id (resolved by `prepare`, so writing it out does not change job ids).
    public var task: GLUETask { (glueTask ?? .sst2).task }
}

extension GLUETaskID: SettingChoice {
    /// Accepts GLUE's folder names (`SST-2`) as well as run_glue's (`sst2`).
    public init?(setting json: JSONValue) {
        guard case .string(let s) = json, let id = GLUETaskID(named: s) else { return nil }
        self = id
    }
}
