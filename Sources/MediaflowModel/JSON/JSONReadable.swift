import Foundation

/// A document that reads itself from parsed JSON, for the payloads read on every job (`POST /Job`,
/// `POST /StartJob`): `JSONParser` and a direct read cost a fraction of `JSONDecoder` with Codable.
/// Anything that does not fit — a missing member, a member of the wrong type, an unknown status — makes
/// the read fail without a reason; `ProtocolJSON.decode` then decodes again with `JSONDecoder`, so bad
/// input gets the decoder's error naming the field, as before.
public protocol JSONReadable: Decodable {
    init(reading object: JSONObjectReader) throws(JSONObjectReader.Mismatch)
}

extension JSONReadable {
    /// The document in `bytes`, or nil when they are not JSON of this shape.
    public static func read(_ bytes: some Collection<UInt8>) -> Self? {
        guard let value = try? JSONParser.parse(bytes), let object = JSONObjectReader(value) else { return nil }
        return try? Self(reading: object)
    }
}

/// The members of one JSON object, read as `Decodable`'s synthesized code reads them: an absent or
/// `null` member is nil for an optional and a mismatch for a required one.
public struct JSONObjectReader {
    /// The object does not have the shape asked for.
    public struct Mismatch: Error {}

    private let members: JSONObject

    init?(_ value: JSONValue) {
        guard case .object(let members) = value else { return nil }
        self.members = members
    }

    private func present(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    public func optional(_ key: String) throws(Mismatch) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let string) = value else { throw Mismatch() }
        return string
    }

    public func required(_ key: String) throws(Mismatch) -> String {
        guard let string: String = try optional(key) else { throw Mismatch() }
        return string
    }

    public func optional<Value: RawRepresentable<String>>(_ key: String) throws(Mismatch) -> Value? {
        guard let raw: String = try optional(key) else { return nil }
        guard let value = Value(rawValue: raw) else { throw Mismatch() }
        return value
    }

    public func required<Value: RawRepresentable<String>>(_ key: String) throws(Mismatch) -> Value {
        guard let value: Value = try optional(key) else { throw Mismatch() }
        return value
    }

    public func optional(_ key: String) throws(Mismatch) -> Double? {
        guard let value = present(key) else { return nil }
        guard case .number(let number) = value else { throw Mismatch() }
        return number
    }

    public func optional(_ key: String) throws(Mismatch) -> Date? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value, let date = Timestamp.parse(text) else { throw Mismatch() }
        return date
    }

    public func optional(_ key: String) throws(Mismatch) -> JSONObject? {
        guard let value = present(key) else { return nil }
        guard case .object(let members) = value else { throw Mismatch() }
        return members
    }

    public func optional<Value: JSONReadable>(_ key: String) throws(Mismatch) -> Value? {
        guard let value = present(key) else { return nil }
        guard let object = JSONObjectReader(value) else { throw Mismatch() }
        return try Value(reading: object)
    }

    public func required<Value: JSONReadable>(_ key: String) throws(Mismatch) -> Value {
        guard let value: Value = try optional(key) else { throw Mismatch() }
        return value
    }
}
