import CYAML

/// One libyaml event, copied out of libyaml's memory so the C event is freed at once.
struct YAMLEvent {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(anchor: String)
        /// `plain`: written without quotes or tag, so its type is read from its text (`YAMLScalar`).
        case scalar(String, anchor: String?, tag: String?, plain: Bool)
        case sequenceStart(anchor: String?, tag: String?)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?)
        case mappingEnd
    }

    var kind: Kind
    /// Where the event's text starts (libyaml counts from 0, messages from 1).
    var location: SourceLocation
}

/// libyaml's event parser over one file's bytes, one event at a time: the composer stops at the first
/// event it refuses, so a hostile file is never parsed further than its first problem.
///
/// `input` must stay valid while the parser is used (`YAMLFile` parses inside `withUnsafeBufferPointer`).
final class YAMLParser {
    let file: String
    let input: UnsafeBufferPointer<UInt8>
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    private let ready: Bool

    init(_ input: UnsafeBufferPointer<UInt8>, file: String) {
        self.file = file
        self.input = input
        ready = yaml_parser_initialize(parser) == 1
        if ready {
            // UTF-8 only: libyaml would otherwise guess UTF-16 from a byte-order mark.
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, input.baseAddress, input.count)
        }
    }

    deinit {
        if ready { yaml_parser_delete(parser) }
        parser.deallocate()
    }

    func next() throws -> YAMLEvent {
        guard ready else {
            throw SuiteError(.start(of: file), "libyaml could not allocate its parser", fix: "free some memory and retry")
        }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw YAMLSyntax.error(parser.pointee, in: self) }
        defer { yaml_event_delete(&event) }
        let location = SourceLocation(file: file, line: event.start_mark.line + 1, column: event.start_mark.column + 1)
        return YAMLEvent(kind: Self.kind(of: event), location: location)
    }

    private static func kind(of event: yaml_event_t) -> YAMLEvent.Kind {
        func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? { pointer.map { String(cString: $0) } }
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT: return .alias(anchor: text(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            // Decoded by length: a scalar may hold NUL (written "\0").
            let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let tag = text(s.tag)
            return .scalar(value, anchor: text(s.anchor), tag: tag, plain: tag == nil && s.plain_implicit != 0)
        case YAML_SEQUENCE_START_EVENT:
            return .sequenceStart(anchor: text(event.data.sequence_start.anchor), tag: text(event.data.sequence_start.tag))
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            return .mappingStart(anchor: text(event.data.mapping_start.anchor), tag: text(event.data.mapping_start.tag))
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default: return .streamEnd  // YAML_STREAM_END_EVENT (libyaml emits no YAML_NO_EVENT on success)
        }
    }
}
