import Foundation

/// Where a value was written: the file, and the 1-based line and column libyaml reported for it.
///
/// Every suite value carries one, so an error about a value merged in from an `include` or from `defaults`
/// points at the line the user has to edit, not at the task that inherited it.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file as the user named it (relative paths stay relative, so messages match what they typed).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file; self.line = line; self.column = column
    }

    /// The start of a file: used for problems with the file as a whole (empty, unreadable).
    public static func start(of file: String) -> SourceLocation { SourceLocation(file: file, line: 1, column: 1) }

    /// `file:line:column`, the form editors and CI annotations turn into a link.
    public var description: String { isCommandLine ? "bermo" : "\(file):\(line):\(column)" }

    /// The directory that paths written in this file are resolved against.
    public var directory: URL { URL(fileURLWithPath: file).deletingLastPathComponent() }
}

extension SourceLocation {
    /// A value given on the command line: `file` names the command line, `column` the argument's position.
    public static func commandLine(argument: Int) -> SourceLocation { SourceLocation(file: "command line", line: 0, column: argument) }

    public var isCommandLine: Bool { line == 0 && file == "command line" }
}
