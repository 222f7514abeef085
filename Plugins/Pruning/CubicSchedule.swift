import BermoRuntime
/// The sparsity schedule of Zhu & Gupta (2017) as movement pruning's `masked_run_glue.py` defines it
/// (`schedule_threshold`), step for step:
///
/// - steps `0 ... initialWarmup·warmupSteps` (0-based, inclusive): the threshold is `initialThreshold`
///   (dense for the top-k methods);
/// - then it moves from `initialThreshold` to `finalThreshold` along
///   `final + (initial − final)·(1 − (step − iW)/(T − (i+f)W))³`, reaching `finalThreshold` exactly at
///   step `T − finalWarmup·warmupSteps`;
/// - and holds `finalThreshold` for the last `finalWarmup·warmupSteps` steps.
///
/// The penalty weight follows the threshold: `lambda_t = finalLambda · threshold_t / finalThreshold`.
/// What "threshold" means is the method's business: the kept fraction for top-k methods (1 → 0.1),
/// the sigmoid cut τ for soft movement (0 → 0.1), unused by L0 (1 → 1, so its lambda is constant).
public struct CubicSchedule: Codable, Sendable, Equatable {
    public var initialThreshold: Double
    public var finalThreshold: Double
    /// Dense (initial-threshold) phase, in multiples of `warmupSteps`.
    public var initialWarmup: Int
    /// Final-threshold phase at the end, in multiples of `warmupSteps`.
    public var finalWarmup: Int
    /// The unit of both warm-up phases; emmental uses the learning-rate warm-up (`--warmup_steps`).
    public var warmupSteps: Int
    /// Optimisation steps of the whole run.
    public var totalSteps: Int
    public var finalLambda: Double

    public init(initialThreshold: Double = 1, finalThreshold: Double, initialWarmup: Int = 1, finalWarmup: Int = 2,
                warmupSteps: Int, totalSteps: Int, finalLambda: Double = 0) {
        self.initialThreshold = initialThreshold; self.finalThreshold = finalThreshold
        self.initialWarmup = initialWarmup; self.finalWarmup = finalWarmup
        self.warmupSteps = warmupSteps; self.totalSteps = totalSteps; self.finalLambda = finalLambda
    }

    /// Last step (0-based) of the initial phase.
    public var lastInitialStep: Int { initialWarmup * warmupSteps }
    /// First step (0-based) at the final threshold.
    public var firstFinalStep: Int { totalSteps - finalWarmup * warmupSteps }
    /// Length of the cubic phase, `T − (i+f)·W`: the steps after the initial phase up to and including
    /// the first final step.
    public var cubicSteps: Int { totalSteps - (initialWarmup + finalWarmup) * warmupSteps }

    /// The threshold at `step` (0-based: the step about to run).
    public func threshold(at step: Int) -> Double {
        if step <= lastInitialStep { return initialThreshold }
        if step > firstFinalStep { return finalThreshold }
        let coefficient = 1 - Double(step - lastInitialStep) / Double(cubicSteps)
        return finalThreshold + (initialThreshold - finalThreshold) * coefficient * coefficient * coefficient
    }

    /// The penalty weight at `step`: `finalLambda · threshold / finalThreshold` (0 without a penalty).
    public func lambda(at step: Int) -> Double {
        finalLambda == 0 ? 0 : finalLambda * threshold(at: step) / finalThreshold
    }

    /// Checks the schedule against its run length. Throws when the cubic phase would be empty (the
    /// threshold would jump from initial to final in one step) or when the final threshold would only be
    /// reached after the last step, naming the numbers and what to change.
    public func validate() throws {
        guard totalSteps >= 1 else {
            throw SettingError("total_steps", "the run has \(totalSteps) steps; pruning needs a run of at least one step (set max_steps or num_train_epochs)")
        }
        guard warmupSteps >= 0 else { throw SettingError("warmup_steps", "is \(warmupSteps); use 0 or more") }
        guard initialWarmup >= 0 else { throw SettingError("initial_warmup", "is \(initialWarmup); use 0 or more (emmental's default is 1)") }
        guard finalWarmup >= 0 else { throw SettingError("final_warmup", "is \(finalWarmup); use 0 or more (emmental's default is 2)") }
        guard initialThreshold.isFinite, finalThreshold.isFinite else {
            throw SettingError("final_threshold", "thresholds must be finite numbers (initial \(initialThreshold), final \(finalThreshold))")
        }
        guard finalLambda >= 0, finalLambda.isFinite else {
            throw SettingError("final_lambda", "is \(finalLambda); use a finite value of 0 or more")
        }
        if finalLambda > 0, finalThreshold == 0 {
            throw SettingError("final_threshold", "is 0 but final_lambda is \(finalLambda): lambda_t = final_lambda·threshold_t/final_threshold divides by it; use a final_threshold above 0")
        }
        guard initialThreshold != finalThreshold else { return }  // nothing moves: any run length works
        let i = initialWarmup, f = finalWarmup, W = warmupSteps, T = totalSteps
        if cubicSteps < 2 {
            let maxW = (T - 2) / max(i + f, 1)
            throw SettingError("warmup_steps", """
                the cubic pruning phase is empty: total_steps \(T) − (initial_warmup \(i) + final_warmup \(f)) × warmup_steps \(W) \
                = \(cubicSteps) step(s), so the threshold would jump from \(initialThreshold) to \(finalThreshold) at once instead \
                of decaying gradually. It needs at least 2: lower warmup_steps to at most \(max(maxW, 0)), lower initial_warmup \
                or final_warmup, or train for at least \((i + f) * W + 2) steps (max_steps / num_train_epochs)
                """)
        }
        if f * W == 0 {
            throw SettingError("final_warmup", """
                final_warmup \(f) × warmup_steps \(W) = 0, so the threshold reaches its final value \(finalThreshold) only at \
                step \(T), after the last step (\(T - 1), 0-based) and the run never trains at the target sparsity; \
                set final_warmup ≥ 1 and warmup_steps ≥ 1
                """)
        }
    }
}
