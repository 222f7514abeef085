import COpenBLAS
import Dispatch
import Foundation

/// Who owns the cores. OpenBLAS is pinned to one thread for the whole process and *we* split every
/// large matrix product by rows across our own workers. Two thread pools that both spin on the same
/// two cores (OpenBLAS's busy-waiting workers and ours) lose more than either gains, so there is
/// exactly one pool: this one.
public enum Compute {
    nonisolated(unsafe) private static var _threads: Int = 1
    private static let configureLock = NSLock()

    /// Number of workers used by every kernel. Set once, before work starts (`--threads`).
    public static var threads: Int { _threads }

    /// Sets the worker count (clamped to at least 1) and pins OpenBLAS to a single thread.
    public static func configure(threads: Int) {
        configureLock.lock(); defer { configureLock.unlock() }
        openblas_set_num_threads(1)
        _threads = max(1, threads)
    }

    /// The default: every core this process may use.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `body(worker)` for worker in 0..<count on the pool (count is clamped to `threads`).
    /// The caller's thread takes part, so a count of 1 costs nothing.
    @inline(__always)
    public static func parallel(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// Splits `0..<total` into at most `threads` contiguous chunks of at least `grain` items and runs
    /// `body(range)` for each in parallel.
    @inline(__always)
    public static func parallelRanges(_ total: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        guard total > 0 else { return }
        let chunks = max(1, min(threads, total / max(grain, 1)))
        if chunks == 1 { body(0..<total); return }
        parallel(chunks) { c in
            let lo = total * c / chunks, hi = total * (c + 1) / chunks
            body(lo..<hi)
        }
    }
}
