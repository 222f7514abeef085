/// The `Decoder` that fills a `Settings` struct through its synthesized `init(from:)`: each coding key (a
/// property name) is answered by the prototype's member of that name, read from the source when it is a
/// setting and kept as it is otherwise. Nothing else in bermo decodes settings, so its few entry points
/// are all it implements.
struct SettingsDecoder: Decoder {
    let source: any SettingsSource
    let prototype: Any
    /// Every setting's error, so one pass reports them all (a suite task with three bad values says three things).
    let errors: ErrorList
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// A `T` read from `source` over `prototype`'s values; throws every setting's error of the pass (one as itself,
    /// several as `SettingsErrors`).
    static func decode<T: Settings>(_ type: T.Type, from source: any SettingsSource, prototype: T) throws -> T {
        let errors = ErrorList()
        let value = try T(from: SettingsDecoder(source: source, prototype: prototype, errors: errors))
        switch errors.errors.count {
        case 0: return value
        case 1: throw errors.errors[0]
        default: throw SettingsErrors(errors.errors)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.unsupported("a list") }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Self.unsupported("a single value") }

    static func unsupported(_ what: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a Settings struct is decoded as a whole, not as \(what)"))
    }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: SettingsDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { SettingsReflection.member(key.stringValue, of: decoder.prototype) != nil }

        /// A plain optional property is "nil" when the prototype's is.
        func decodeNil(forKey key: Key) throws -> Bool {
            guard let member = SettingsReflection.member(key.stringValue, of: decoder.prototype) else { return true }
            let mirror = Mirror(reflecting: member)
            return mirror.displayStyle == .optional && mirror.children.isEmpty
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let member = SettingsReflection.member(key.stringValue, of: decoder.prototype) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no property \(key.stringValue) in the prototype"))
            }
            var value: Any = member
            do {
                switch member {
                case let s as any AnySetting: value = try s.reading(from: decoder.source)
                case let g as any AnySettingGroup: value = try g.reading(from: decoder.source)
                case let i as any AnyInlineSettings: value = try i.reading(from: decoder.source)
                default: break
                }
            } catch {
                // Noted, and the prototype's value stands in, so the settings after this one are read too.
                decoder.errors.append(error)
            }
            guard let typed = value as? T else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: [key], debugDescription: "prototype member has type \(Swift.type(of: value))"))
            }
            return typed
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw SettingsDecoder.unsupported("a nested container")
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw SettingsDecoder.unsupported("a list") }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }
}

/// The errors of one decoding pass (a class: the decoder and its containers are values that share it).
final class ErrorList {
    private(set) var errors: [any Error] = []
    func append(_ error: any Error) {
        if let many = error as? SettingsErrors { errors += many.errors } else { errors.append(error) }
    }
}

/// Several settings' errors from one pass, in declaration order; each is already located by its source.
public struct SettingsErrors: Error, CustomStringConvertible {
    public var errors: [any Error]
    public init(_ errors: [any Error]) { self.errors = errors }
    public var description: String { errors.map { "\($0)" }.joined(separator: "\n") }
}

// The wrappers are `Decodable` only so that the synthesized `init(from:)` of a `Settings` struct exists;
// `SettingsDecoder` answers them before this is ever reached.
extension Setting: Decodable {
    public init(from decoder: any Decoder) throws { throw SettingsDecoder.unsupported("a lone setting") }
}
extension SettingGroup: Decodable {
    public init(from decoder: any Decoder) throws { throw SettingsDecoder.unsupported("a lone group") }
}
extension InlineSettings: Decodable {
    public init(from decoder: any Decoder) throws { throw SettingsDecoder.unsupported("lone inline settings") }
}
