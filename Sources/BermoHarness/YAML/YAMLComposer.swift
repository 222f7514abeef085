/// Builds the located `ConfigNode` tree from libyaml's events, doing what libyaml leaves to its caller:
/// anchors and aliases, duplicate keys, implicit types of plain scalars (`YAMLScalar`); and refusing
/// what has no place in a suite: merge keys, tags, more than one document, and hostile shapes.
///
/// Aliases are copies of the anchored node, so they are bounded in total: a "billion laughs" file of a
/// few hundred bytes (each anchor aliasing the previous one nine times) would otherwise become billions
/// of nodes. Nesting is bounded so that every recursive walk of the tree stays far from the stack's end.
struct YAMLComposer {
    /// Suites nest five or six levels; 64 is more than any hand-written file needs.
    static let maxDepth = 64
    /// All aliases of a file together may copy this many nodes. Sharing a few blocks (a task's
    /// settings, a list of seeds) costs tens to hundreds of nodes; an alias bomb reaches this after a
    /// few hundred aliases, in microseconds.
    static let maxAliasNodes = 10_000

    /// A composed node with what the limits need: its node count and height (aliases included).
    struct Composed {
        var node: ConfigNode
        var size: Int
        var height: Int
    }

    private let parser: YAMLParser
    private var anchors: [String: Composed] = [:]
    private var aliasNodes = 0

    init(_ parser: YAMLParser) { self.parser = parser }

    /// The file's one document, or nil when it has none (only comments).
    mutating func document() throws -> ConfigNode? {
        _ = try parser.next()  // stream start
        guard case .documentStart = try parser.next().kind else { return nil }
        let root = try compose(parser.next(), depth: 0)
        _ = try parser.next()  // document end
        let after = try parser.next()
        if case .documentStart = after.kind {
            throw SuiteError(after.location, "the file holds a second YAML document",
                             fix: "keep one document per file (remove this `---` and what follows, or move it to "
                                + "a file of its own and `include:` it)")
        }
        return root.node
    }

    /// `depth`: how many collections enclose the node.
    private mutating func compose(_ event: YAMLEvent, depth: Int) throws -> Composed {
        switch event.kind {
        case let .scalar(text, anchor, tag, plain):
            let node = try Self.scalar(text, tag: tag, plain: plain, at: event.location)
            return register(Composed(node: node, size: 1, height: 0), as: anchor)
        case let .sequenceStart(anchor, tag):
            try Self.checkCollection(tag: tag, standard: "seq", depth: depth + 1, at: event.location)
            var items: [ConfigNode] = [], size = 1, height = 0
            while true {
                let next = try parser.next()
                if case .sequenceEnd = next.kind { break }
                let item = try compose(next, depth: depth + 1)
                items.append(item.node); size += item.size; height = max(height, item.height)
            }
            return register(Composed(node: ConfigNode(.sequence(items), at: event.location), size: size, height: height + 1),
                            as: anchor)
        case let .mappingStart(anchor, tag):
            try Self.checkCollection(tag: tag, standard: "map", depth: depth + 1, at: event.location)
            return register(try mapping(at: event.location, depth: depth + 1), as: anchor)
        case let .alias(name):
            return try alias(name, at: event.location, depth: depth)
        default:
            throw SuiteError(event.location, "unexpected YAML structure", fix: "check the file's syntax")
        }
    }

    /// The entries after a mapping's start event, up to its end; `depth` counts this mapping.
    private mutating func mapping(at location: SourceLocation, depth: Int) throws -> Composed {
        var entries: [ConfigEntry] = [], size = 1, height = 0
        var firstSeen: [String: SourceLocation] = [:]
        while true {
            let keyEvent = try parser.next()
            if case .mappingEnd = keyEvent.kind { break }
            let key = try compose(keyEvent, depth: depth).node
            guard key.items == nil, key.entries == nil else {
                throw SuiteError(keyEvent.location, "a mapping key must be a plain word, not a list or mapping",
                                 fix: "write `name: value`")
            }
            if key.text == "<<" {
                throw SuiteError(key.location, "YAML merge keys (`<<`) are not supported",
                                 fix: "use the suite's `defaults:` or `include:` to share values")
            }
            // libyaml does not check this; a second value would silently win.
            if let first = firstSeen[key.text] {
                throw SuiteError(first, "the key `\(key.text)` appears twice in the same mapping (again at line "
                                    + "\(key.location.line), column \(key.location.column))", fix: "keep one of them")
            }
            firstSeen[key.text] = key.location
            let value = try compose(parser.next(), depth: depth)
            entries.append(ConfigEntry(key: key.text, keyLocation: key.location, value: value.node))
            size += 1 + value.size; height = max(height, value.height)
        }
        return Composed(node: ConfigNode(.mapping(entries), at: location), size: size, height: height + 1)
    }

    /// A copy of the anchored node (located where the anchor is), within the alias and depth limits.
    private mutating func alias(_ name: String, at location: SourceLocation, depth: Int) throws -> Composed {
        // An anchor is registered once its node is complete, so a node cannot contain itself.
        guard let target = anchors[name] else {
            throw SuiteError(location, "the alias `*\(name)` refers to no anchor defined before it",
                             fix: "define the anchor (`&\(name)`) on a value above this line")
        }
        if depth + target.height > Self.maxDepth {
            throw SuiteError(location, "the alias `*\(name)` nests the file deeper than \(Self.maxDepth) levels",
                             fix: "flatten the structure")
        }
        aliasNodes += target.size
        if aliasNodes > Self.maxAliasNodes {
            throw SuiteError(location, "aliases expand to more than \(Self.maxAliasNodes) nodes",
                             fix: "a suite shares values with `defaults:` and `include:`; use aliases only for small blocks")
        }
        return target
    }

    private mutating func register(_ composed: Composed, as anchor: String?) -> Composed {
        if let anchor { anchors[anchor] = composed }  // a later anchor of the same name shadows the earlier one
        return composed
    }

    private static func scalar(_ text: String, tag: String?, plain: Bool, at location: SourceLocation) throws -> ConfigNode {
        if let tag, tag != "!", tag != standardTag("str") {
            throw SuiteError(location, "the YAML tag `\(shown(tag))` is not supported",
                             fix: "write the value plainly, or quote it (or tag it `!!str`) to keep it a string")
        }
        guard plain else { return ConfigNode(.string(text), at: location, text: text) }
        do {
            return ConfigNode(try YAMLScalar.resolve(text), at: location, text: text)
        } catch {
            throw SuiteError(location, "the integer \(text) is too large", fix: "write a smaller number or quote it")
        }
    }

    /// `depth` counts the collection itself.
    private static func checkCollection(tag: String?, standard: String, depth: Int, at location: SourceLocation) throws {
        if let tag, tag != "!", tag != standardTag(standard) {
            throw SuiteError(location, "the YAML tag `\(shown(tag))` is not supported", fix: "remove the tag")
        }
        if depth > maxDepth {
            throw SuiteError(location, "the file nests deeper than \(maxDepth) levels", fix: "flatten the structure")
        }
    }

    private static func standardTag(_ name: String) -> String { "tag:yaml.org,2002:" + name }

    /// A tag as it is usually written: `!!int` rather than libyaml's resolved `tag:yaml.org,2002:int`.
    private static func shown(_ tag: String) -> String {
        tag.hasPrefix(standardTag("")) ? "!!" + tag.dropFirst(standardTag("").count) : tag
    }
}
