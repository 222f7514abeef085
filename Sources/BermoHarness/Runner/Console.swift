import Foundation

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
public final class StderrConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(2) != 0
    private var current = ""
    private var lastDraw = Date.distantPast
    private var lastPlainKey = ""

    public init() {}

    public func status(_ line: String) {
        lock.withLock {
            current = line
            if interactive {
                let now = Date()
                guard now.timeIntervalSince(lastDraw) > 0.2 else { return }
                lastDraw = now
                write("\r\u{1B}[K" + line)
            } else {
                // One line per job: the part before the first "·" detail that changes (percent, ETA).
                let key = line.components(separatedBy: "  ").first ?? line
                if key != lastPlainKey { lastPlainKey = key; write(line + "\n") }
            }
        }
    }

    public func log(_ line: String) {
        lock.withLock {
            if interactive { write("\r\u{1B}[K" + line + "\n" + current) } else { write(line + "\n") }
        }
    }

    public func endStatus() {
        lock.withLock {
            if interactive && !current.isEmpty { write("\r\u{1B}[K" + current + "\n") }
            current = ""
        }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}

/// Keeps what would have been printed (tests, library use).
public final class RecordingConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    private var _statuses: [String] = []
    public init() {}
    public var lines: [String] { lock.withLock { _lines } }
    public var statuses: [String] { lock.withLock { _statuses } }
    public func status(_ line: String) { lock.withLock { _statuses.append(line) } }
    public func log(_ line: String) { lock.withLock { _lines.append(line) } }
    public func endStatus() {}
}
