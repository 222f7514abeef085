import BermoRuntime
import Foundation
import Synchronization

/// Where a run talks to the user: a transient status line (progress) and permanent log lines.
public protocol Console: AnyObject, Sendable {
    /// Replaces the status line.
    func status(_ line: String)
    /// Prints a permanent line (above the status line).
    func log(_ line: String)
    /// Ends the status line.
    func endStatus()
}

/// stderr: the status line is redrawn in place on a terminal (at most 5 times a second) and printed as
/// plain lines elsewhere (only when it changes job), so CI logs stay readable.
public final class StderrConsole: Console, Sendable {
    private struct State {
        var current = ""
        var lastDraw = Date.distantPast
        var lastPlainKey = ""
    }

    private let interactive = isatty(2) != 0
    private let state = Mutex(State())

    public init() {}

    public func status(_ line: String) {
        state.withLock { s in
            s.current = line
            if interactive {
                let now = Date()
                guard now.timeIntervalSince(s.lastDraw) > 0.2 else { return }
                s.lastDraw = now
                write("\r\u{1B}[K" + line)
            } else {
                // One line per job: the part before the first "·" detail that changes (percent, ETA).
                let key = line.components(separatedBy: "  ").first ?? line
                if key != s.lastPlainKey { s.lastPlainKey = key; write(line + "\n") }
            }
        }
    }

    public func log(_ line: String) {
        state.withLock { s in
            if interactive { write("\r\u{1B}[K" + line + "\n" + s.current) } else { write(line + "\n") }
        }
    }

    public func endStatus() {
        state.withLock { s in
            if interactive && !s.current.isEmpty { write("\r\u{1B}[K" + s.current + "\n") }
            s.current = ""
        }
    }

    private func write(_ s: String) { StandardError.write(s) }
}

/// Keeps what would have been printed (tests, library use).
public final class RecordingConsole: Console, Sendable {
    private let state = Mutex((lines: [String](), statuses: [String]()))
    public init() {}
    public var lines: [String] { state.withLock { $0.lines } }
    public var statuses: [String] { state.withLock { $0.statuses } }
    public func status(_ line: String) { state.withLock { $0.statuses.append(line) } }
    public func log(_ line: String) { state.withLock { $0.lines.append(line) } }
    public func endStatus() {}
}
