import Foundation

/// Decodes `Decodable` values from a `JSONValue`, with the protocol's conventions (dates as ISO 8601
/// timestamps) and the errors Foundation's decoder throws, each with the coding path at fault. A `JSONValue` or
/// `JSONObject` inside is taken whole, its members in their order, which Foundation's decoder on Linux loses.
public enum JSONValueDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try decode(type, from: value, at: [])
    }

    /// The error for `value` where a `type` was expected: null is a missing value, as Foundation has it.
    static func mismatch(_ type: Any.Type, found value: JSONValue, at codingPath: [any CodingKey]) -> DecodingError {
        if value == .null {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "Expected \(type) value but found null instead."))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(value.kind) instead."))
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, at codingPath: [any CodingKey]) throws -> T {
        func mismatch() -> DecodingError { Self.mismatch(type, found: value, at: codingPath) }
        if type == JSONValue.self { return value as! T }
        if type == JSONObject.self {
            guard case .object(let members) = value else { throw mismatch() }
            return members as! T
        }
        if type == String.self {
            guard case .string(let string) = value else { throw mismatch() }
            return string as! T
        }
        if type == Bool.self {
            guard case .bool(let flag) = value else { throw mismatch() }
            return flag as! T
        }
        if type == Double.self || type == Float.self {
            guard case .number(let number) = value else { throw mismatch() }
            return type == Double.self ? number as! T : Float(number) as! T
        }
        if let integerType = type as? any FixedWidthInteger.Type {
            guard case .number(let number) = value else { throw mismatch() }
            guard let integer = integerType.init(exactly: number) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "Parsed JSON number <\(JSONWriter.number(number))> does not fit in \(type)."))
            }
            return integer as! T
        }
        if type == Date.self {
            guard case .string(let text) = value else { throw mismatch() }
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "'\(text)' is not an ISO 8601 timestamp"))
            }
            return date as! T
        }
        return try T(from: NodeDecoder(value: value, codingPath: codingPath))
    }
}

extension JSONValue {
    /// The kind of value, as a decoding error names it.
    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "a string"
        case .array: "an array"
        case .object: "a dictionary"
        }
    }
}

/// The `Decoder` handed to a value's `init(from:)`, reading one value; also its single-value container.
struct NodeDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw JSONValueDecoder.mismatch(JSONObject.self, found: value, at: codingPath) }
        return KeyedDecodingContainer(MemberDecoder<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw JSONValueDecoder.mismatch([JSONValue].self, found: value, at: codingPath) }
        return ElementDecoder(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value == .null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONValueDecoder.decode(type, from: value, at: codingPath) }
}

/// A keyed container reading the members of one object.
struct MemberDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: JSONObject
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoder.decode(type, from: member(key), at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(value: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(value: member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { NodeDecoder(value: members["super"] ?? .null, codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

/// An unkeyed container reading the elements of one array in turn.
struct ElementDecoder: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The decoder of the next element, moving past it.
    private mutating func next<T>(_ type: T.Type) throws -> NodeDecoder {
        let key = ElementKey(currentIndex)
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: "Unkeyed container is at end."))
        }
        currentIndex += 1
        return NodeDecoder(value: elements[currentIndex - 1], codingPath: codingPath + [key])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(JSONObject.self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next([JSONValue].self).unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next(JSONValue.self) }
}
