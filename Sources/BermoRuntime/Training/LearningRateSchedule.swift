/// Learning-rate multipliers over training steps, as transformers' schedulers define them
/// (`get_linear_schedule_with_warmup`, `get_constant_schedule[_with_warmup]`).
public enum LearningRateSchedule: String, Codable, Sendable, CaseIterable {
    case linear, constant, constantWithWarmup = "constant_with_warmup"

    /// The factor applied to the base learning rate at `step` (0-based: the factor for the update
    /// that makes step `step + 1`), with `warmup` steps of linear ramp from 0.
    public func factor(step: Int, warmup: Int, total: Int) -> Float {
        if self != .constant, step < warmup { return Float(step) / Float(max(1, warmup)) }
        switch self {
        case .linear: return max(0, Float(total - step) / Float(max(1, total - warmup)))
        case .constant, .constantWithWarmup: return 1
        }
    }
}
