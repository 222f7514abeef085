import Foundation

/// Loads a suite file: reads it and its includes, merges them, and checks every field, collecting all
/// problems (each located at file:line:column) instead of stopping at the first.
///
/// Merging: files are read depth first and an including file's values win over its includes'. `tasks`
/// lists are concatenated; `defaults` and `tolerance.metrics` are merged key by key; every other key is
/// replaced whole. Paths are resolved against the directory of the file that wrote them.
public struct SuiteLoader {
    public init() {}

    /// Loads and checks `path`, throwing `SuiteErrors` with every problem found.
    public func load(_ path: String) throws -> Suite {
        let diagnostics = Diagnostics()
        let suite = load(path, diagnostics: diagnostics)
        try diagnostics.throwIfErrors()
        guard let suite else { throw SuiteErrors([SuiteError(.start(of: path), "the suite could not be read")]) }
        return suite
    }

    /// Loads what can be loaded, recording problems in `diagnostics`; nil when nothing usable was read.
    public func load(_ path: String, diagnostics: Diagnostics) -> Suite? {
        var resolver = IncludeResolver(diagnostics: diagnostics)
        resolver.read(path, includedAt: nil, stack: [])
        guard !resolver.layers.isEmpty else { return nil }
        return SuiteDecoder(layers: resolver.layers, rootFile: path, diagnostics: diagnostics,
                            incomplete: resolver.incomplete).decode()
    }
}
