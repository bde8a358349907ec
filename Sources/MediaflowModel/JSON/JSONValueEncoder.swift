import Foundation

/// Encodes `Encodable` values as a `JSONValue`, with the protocol's conventions: a typed value's members sorted
/// by key, dates as millisecond UTC timestamps, numbers JSON cannot carry refused. A `JSONValue` or
/// `JSONObject` inside is taken whole, its members in their order, which Foundation's encoder on Linux loses.
public enum JSONValueEncoder {
    public static func encode(_ value: some Encodable) throws -> JSONValue {
        let node = EncodingNode()
        try node.encode(value, at: [])
        return node.value
    }
}

/// What one place in the document being encoded holds: a value, or the members or elements written so far.
final class EncodingNode {
    private var scalar: JSONValue?
    private var members: [String: EncodingNode]?
    private var elements: [EncodingNode]?

    var value: JSONValue {
        if let members {
            return .object(JSONObject(uniqueKeysWithValues: members.sorted { $0.key < $1.key }.map { ($0.key, $0.value.value) }))
        }
        if let elements { return .array(elements.map(\.value)) }
        return scalar ?? .object([:])
    }

    var count: Int { elements?.count ?? 0 }

    func set(_ value: JSONValue) { scalar = value }

    func encode(_ value: some Encodable, at codingPath: [any CodingKey]) throws {
        switch value {
        case let json as JSONValue: scalar = json
        case let object as JSONObject: scalar = .object(object)
        case let date as Date: scalar = .string(Timestamp.format(date))
        case let string as String: scalar = .string(string)
        case let flag as Bool: scalar = .bool(flag)
        case let number as Double: try set(number: number, at: codingPath)
        case let number as Float: try set(number: Double(number), at: codingPath)
        case let integer as any BinaryInteger: scalar = .number(Double(integer))
        default: try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
        }
    }

    private func set(number: Double, at codingPath: [any CodingKey]) throws {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "\(number) is not a JSON number"))
        }
        scalar = .number(number)
    }

    /// The node of the member `key`, made on first asking.
    func member(_ key: String) -> EncodingNode {
        beginMembers()
        if let existing = members![key] { return existing }
        let node = EncodingNode()
        members![key] = node
        return node
    }

    /// A node appended to the elements.
    func appendElement() -> EncodingNode {
        let node = EncodingNode()
        beginElements()
        elements!.append(node)
        return node
    }

    func beginMembers() { if members == nil { members = [:] } }
    func beginElements() { if elements == nil { elements = [] } }
}

/// The `Encoder` handed to a value's `encode(to:)`, writing into one node; also its single-value container.
struct NodeEncoder: Encoder, SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.beginMembers()
        return KeyedEncodingContainer(MemberEncoder<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.beginElements()
        return ElementEncoder(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.encode(value, at: codingPath) }
}

/// A keyed container writing the members of one node.
struct MemberEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).set(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try node.member(key.stringValue).encode(value, at: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node.member("super"), codingPath: codingPath) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

/// An unkeyed container appending the elements of one node.
struct ElementEncoder: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    private func next() -> NodeEncoder {
        let key = ElementKey(count)
        return NodeEncoder(node: node.appendElement(), codingPath: codingPath + [key])
    }

    mutating func encodeNil() throws { next().node.set(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let element = next()
        try element.node.encode(value, at: element.codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { next() }
}

/// The coding key of an array's element.
struct ElementKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
