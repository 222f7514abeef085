import Dispatch
import Foundation
import Synchronization

/// A request to stop, from SIGTERM (what Slurm sends before it kills a task, on `scancel`, preemption or
/// the time limit) or SIGINT (Ctrl-C). The first signal only sets a flag; long work checks it at safe points
/// (a training step, an encoding batch) and stops cleanly: a trainer with a checkpoint writes it, the harness
/// releases the job's lease and writes nothing half-done. A second SIGINT ends the process at once.
public enum StopRequest {
    private static let requested = Atomic<Int32>(0)
    private static let sources = Mutex<[any DispatchSourceSignal]>([])

    /// The signal that asked to stop, or nil.
    public static var signal: Int32? {
        let s = requested.load(ordering: .acquiring)
        return s == 0 ? nil : s
    }

    public static var isRequested: Bool { signal != nil }

    /// Installs the handlers (once per process; later calls do nothing).
    public static func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for sig in [SIGTERM, SIGINT] {
                Foundation.signal(sig, SIG_IGN)  // delivered to the dispatch source instead
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if sig == SIGINT && requested.load(ordering: .acquiring) == SIGINT {
                        Foundation.signal(SIGINT, SIG_DFL)
                        kill(getpid(), SIGINT)
                    }
                    requested.store(sig, ordering: .releasing)
                    StandardError.write("\nbermo: \(sig == SIGTERM ? "SIGTERM" : "SIGINT") received: stopping at the next safe point\(sig == SIGINT ? " (again to quit at once)" : "")\n")
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Throws `Interrupted` when a stop was requested.
    public static func check(_ what: @autoclosure () -> String) throws {
        if let s = signal { throw Interrupted(signal: s, at: what()) }
    }
}

/// Work stopped because `StopRequest` was set: not a failure of the job, which runs again later (from its
/// checkpoint when it has one).
public struct Interrupted: Error, CustomStringConvertible, Sendable {
    public let signal: Int32
    /// Where the work stopped ("training step 120 (checkpoint saved)").
    public let at: String
    public init(signal: Int32, at: String) { self.signal = signal; self.at = at }
    public var description: String { "stopped by \(signal == SIGTERM ? "SIGTERM" : "signal \(signal)") at \(at)" }
}
