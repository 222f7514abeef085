import COpenBLAS
import Dispatch
import Foundation
import Synchronization

/// Who owns the cores. OpenBLAS is pinned to one thread for the whole process and *we* split every
/// large matrix product by rows across our own workers. Two thread pools that both spin on the same
/// two cores (OpenBLAS's busy-waiting workers and ours) lose more than either gains, so there is
/// exactly one pool: this one.
public enum Compute {
    private static let workers = Atomic<Int>(1)

    /// Number of workers used by every kernel. Set once, before work starts (`--threads`).
    public static var threads: Int { workers.load(ordering: .relaxed) }

    /// Sets the worker count (clamped to at least 1) and pins OpenBLAS to a single thread.
    public static func configure(threads: Int) {
        openblas_set_num_threads(1)
        workers.store(max(1, threads), ordering: .relaxed)
    }

    /// The default: every core this process may use.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `body(worker)` for worker in 0..<count on the pool (count is clamped to `threads`).
    /// The caller's thread takes part, so a count of 1 costs nothing.
    ///
    /// `body` is not `@Sendable`: kernels hand raw pointers to their workers, which the compiler cannot
    /// prove race-free, and each kernel itself makes its workers write disjoint memory. This is the one
    /// place that vouches for that (`nonisolated(unsafe)`), so the kernels and their callers build in
    /// Swift 6 mode without wrapping every pointer.
    @inline(__always)
    public static func parallel(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 { body(0); return }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: count) { body($0) }
        }
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
