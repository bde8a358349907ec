import Foundation

/// A document that writes its own protocol JSON: the text `JSONValueEncoder` and `JSONWriter` write for it
/// (members sorted by key, an open value's members, such as a job's input, in their order, millisecond UTC
/// timestamps, integral numbers without a fraction), in a fraction of the time Codable's containers take. Jobs
/// and their start records are written on every job change; `ProtocolJSON.encode` uses this whenever a value
/// offers it.
public protocol JSONWritable: Encodable {
    /// Writes the members, in key order.
    func writeMembers(to object: inout JSONObjectWriter)
}

extension JSONWritable {
    /// The JSON text, or nil when a number in it is one JSON cannot carry (the encoder's error says why).
    public func jsonText() -> String? { jsonUTF8().map { String(decoding: $0, as: UTF8.self) } }

    /// `jsonText()` as UTF-8 bytes.
    public func jsonUTF8() -> [UInt8]? {
        var object = JSONObjectWriter()
        writeMembers(to: &object)
        return object.finish()
    }
}

/// Writes one JSON object. Members come in key order; a nil value leaves its member out, as
/// `encodeIfPresent` does.
public struct JSONObjectWriter {
    private var text: JSONBuffer
    private var empty = true
    private var finite = true

    init() {
        text = JSONBuffer(capacity: 1024)
        text.append(byte: UInt8(ascii: "{"))
    }

    /// A writer for an object nested in another, writing into the outer one's text.
    private init(nestedIn outer: inout JSONBuffer) {
        text = JSONBuffer(capacity: 0)
        swap(&text, &outer)
        text.append(byte: UInt8(ascii: "{"))
    }

    public mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        JSONWriter.write(string: value, to: &text)
    }

    public mutating func member(_ key: StaticString, _ value: some RawRepresentable<String>) {
        self.key(key)
        JSONWriter.write(string: value.rawValue, to: &text)
    }

    public mutating func member(_ key: StaticString, _ value: (some RawRepresentable<String>)?) {
        guard let value else { return }
        member(key, value)
    }

    public mutating func member(_ key: StaticString, _ value: Double?) {
        guard let value else { return }
        self.key(key)
        if !value.isFinite { finite = false }
        JSONWriter.write(number: value, to: &text)
    }

    public mutating func member(_ key: StaticString, _ value: Date?) {
        guard let value else { return }
        self.key(key)
        text.append(byte: UInt8(ascii: "\""))
        text.append(value)
        text.append(byte: UInt8(ascii: "\""))
    }

    public mutating func member(_ key: StaticString, _ value: JSONObject?) {
        guard let value else { return }
        self.key(key)
        JSONWriter.write(value, to: &text, finite: &finite)
    }

    /// A member whose value is an object that writes itself.
    public mutating func member(_ key: StaticString, _ value: (some JSONWritable)?) {
        guard let value else { return }
        self.key(key)
        write(value)
    }

    /// A member whose value is an array of objects that write themselves.
    public mutating func member(_ key: StaticString, _ values: [some JSONWritable]) {
        self.key(key)
        text.append(byte: UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { text.append(byte: UInt8(ascii: ",")) }
            write(value)
        }
        text.append(byte: UInt8(ascii: "]"))
    }

    /// Writes `value` as an object in this one's text.
    private mutating func write(_ value: some JSONWritable) {
        var nested = JSONObjectWriter(nestedIn: &text)
        value.writeMembers(to: &nested)
        swap(&nested.text, &text)
        text.append(byte: UInt8(ascii: "}"))
        finite = finite && nested.finite
    }

    /// Writes a member's key: one of the document's own names, which need no escaping.
    private mutating func key(_ key: StaticString) {
        text.append(empty ? "\"" : ",\"")
        empty = false
        text.append(key)
        text.append("\":")
    }

    consuming func finish() -> [UInt8]? {
        guard finite else { return nil }
        text.append(byte: UInt8(ascii: "}"))
        return text.bytes
    }
}
