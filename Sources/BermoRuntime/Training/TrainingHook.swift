import Foundation

/// Lets a plugin take part in every training step without the trainer knowing what it does
/// (pruning schedules use it: they install masked effective weights before the forward pass,
/// turn ∂L/∂W' into ∂L/∂W and update their own scores after the backward pass).
public protocol TrainingHook: AnyObject {
    /// Before the forward pass of step `step` (0-based) of `total`.
    func prepareStep(_ step: Int, total: Int, model: BertModel)
    /// After the backward pass, before clipping and the optimizer: may transform `gradients` in place
    /// and update the hook's own parameters. Returns an extra loss term (e.g. a sparsity penalty) to
    /// report beside the task loss, or 0.
    func afterBackward(_ step: Int, total: Int, model: BertModel, gradients: ParameterBuffer) -> Float
    /// Before evaluation-mode predictions (e.g. a deterministic L0 mask).
    func prepareEvaluation(model: BertModel)
    /// Extra fields for the log entry written at each evaluation (e.g. current sparsity).
    func logFields(model: BertModel) -> [String: Double]
    /// Writes the hook's own training state into a trainer checkpoint folder (pruning: scores and their
    /// moments), so `TrainerCheckpoint` resumes a hooked run without knowing what the hook is.
    func saveState(to directory: URL) throws
    /// Restores what `saveState` wrote; called after the trainer's own state is back.
    func restoreState(from directory: URL) throws
}

extension TrainingHook {
    public func prepareEvaluation(model: BertModel) {}
    public func logFields(model: BertModel) -> [String: Double] { [:] }
    public func saveState(to directory: URL) throws {}
    public func restoreState(from directory: URL) throws {}
}
