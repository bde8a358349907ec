/// The members of a JSON object, kept in the order they were first given, as JavaScript, JSONata and
/// Step Functions keep them: an object is written back with its keys where its author put them.
///
/// Reads like a `Dictionary` (a member by key, `keys`, `values`, `mapValues`, `filter`, `merging`) and
/// iterates in order. Two objects are equal when they hold the same members, whatever their order. A small
/// object, as most in the protocol are, finds a key by comparing keys in turn, which for short keys is
/// cheaper than hashing them; a larger one keeps an index by key.
public struct JSONObject: Sendable {
    public typealias Element = (key: String, value: JSONValue)

    private var entries: [Element]
    /// Each key's place in `entries`, kept once there are more than `indexedFrom` members.
    private var positions: [String: Int]?

    /// The count of members from which keys are found through `positions`.
    private static let indexedFrom = 12

    public init() {
        entries = []
    }

    /// An object of `pairs` in their order; a repeated key takes the value `combine` gives, in the place
    /// where it first came.
    public init(_ pairs: some Sequence<(String, JSONValue)>, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue) rethrows {
        self.init()
        entries.reserveCapacity(pairs.underestimatedCount)
        for (key, value) in pairs { try set(key, value, combine) }
    }

    /// An object of `pairs` in their order, whose keys are known to differ.
    public init(uniqueKeysWithValues pairs: some Sequence<(String, JSONValue)>) {
        self.init(pairs) { _, last in last }
    }

    /// Makes room for `capacity` members.
    public mutating func reserveCapacity(_ capacity: Int) {
        entries.reserveCapacity(capacity)
    }

    /// The value of the member named `key`; setting nil removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return entries[position].value
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// The value of the member named `key`, or `defaultValue` when there is none.
    public subscript(key: String, default defaultValue: @autoclosure () -> JSONValue) -> JSONValue {
        get { self[key] ?? defaultValue() }
        set { updateValue(newValue, forKey: key) }
    }

    /// Sets the member named `key`, in its place if there is one, else last; returns the value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        guard let position = position(of: key) else {
            append(key, value)
            return nil
        }
        let old = entries[position].value
        entries[position].value = value
        return old
    }

    /// Removes the member named `key`; returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        let removed = entries.remove(at: position)
        if positions != nil { reindex() }
        return removed.value
    }

    /// The keys, in order.
    public var keys: [String] { entries.map(\.key) }

    /// The values, in the order of their keys.
    public var values: [JSONValue] { entries.map(\.value) }

    /// This object with each value transformed, the keys in their places.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        var mapped = self
        for position in mapped.entries.indices {
            mapped.entries[position].value = try transform(entries[position].value)
        }
        return mapped
    }

    /// This object with the values `transform` gives, without the members for which it gives nil.
    public func compactMapValues(_ transform: (JSONValue) throws -> JSONValue?) rethrows -> JSONObject {
        var kept = JSONObject()
        for (key, value) in entries {
            if let value = try transform(value) { kept.append(key, value) }
        }
        return kept
    }

    /// The members for which `isIncluded` holds, in order.
    public func filter(_ isIncluded: (Element) throws -> Bool) rethrows -> JSONObject {
        var kept = JSONObject()
        for entry in entries where try isIncluded(entry) {
            kept.append(entry.key, entry.value)
        }
        return kept
    }

    /// This object with `other`'s members set on it: a key both have keeps its place here and takes the
    /// value `combine` gives; the others' new keys come last, in their order.
    public func merging(_ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        var merged = self
        try merged.merge(other, uniquingKeysWith: combine)
        return merged
    }

    /// Sets `other`'s members on this object, as `merging` does.
    public mutating func merge(_ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue) rethrows {
        for (key, value) in other.entries { try set(key, value, combine) }
    }

    /// Sets the member `key` to the value `combine` gives from its own and `value`, or appends it.
    private mutating func set(_ key: String, _ value: JSONValue, _ combine: (JSONValue, JSONValue) throws -> JSONValue) rethrows {
        if let position = position(of: key) {
            entries[position].value = try combine(entries[position].value, value)
        } else {
            append(key, value)
        }
    }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return entries.firstIndex { $0.key == key }
    }

    /// Appends a member whose key is not yet here.
    private mutating func append(_ key: String, _ value: JSONValue) {
        entries.append((key, value))
        if positions != nil {
            positions?[key] = entries.count - 1
        } else if entries.count > Self.indexedFrom {
            reindex()
        }
    }

    private mutating func reindex() {
        guard entries.count > Self.indexedFrom else { return positions = nil }
        var index = [String: Int](minimumCapacity: entries.count)
        for (position, entry) in entries.enumerated() { index[entry.key] = position }
        positions = index
    }
}

extension JSONObject: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
    public subscript(position: Int) -> Element { entries[position] }
}

extension JSONObject: Hashable {
    /// Equal when both hold the same members, in whatever order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Hashes the members in a way their order does not change, as `Dictionary` does.
    public func hash(into hasher: inout Hasher) {
        var members = 0
        for (key, value) in entries {
            var memberHasher = Hasher()
            memberHasher.combine(key)
            memberHasher.combine(value)
            members ^= memberHasher.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(members)
    }
}

extension JSONObject: Codable {
    public init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: MemberKey.self)
        self.init(uniqueKeysWithValues: try members.allKeys.map { ($0.stringValue, try members.decode(JSONValue.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var members = encoder.container(keyedBy: MemberKey.self)
        for (key, value) in entries { try members.encode(value, forKey: MemberKey(key)) }
    }

    /// A member's name as a coding key.
    private struct MemberKey: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.init(stringValue) }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements) { _, last in last }
    }
}

extension JSONObject: CustomStringConvertible {
    public var description: String { JSONWriter.text(.object(self)) }
}
