/// The version of what the runtime computes: tokenization, forward and backward passes, optimiser,
/// clipping, metrics. Part of every job id (with each plugin's own version) and of every feature-cache key,
/// so a result computed by code that gave other numbers is never reused.
///
/// Bump it whenever a change to the runtime changes any number a job produces. `NumericsVersionTests`
/// fails when the runtime's golden outputs (hidden states and a few training steps on the real checkpoint)
/// change while this stays the same.
public enum Numerics {
    public static let version = 2
}
