/// A request message of the service bus (seed 003): the target service, the operation, its
/// `paramSet`, and the `context` travelling with it.
public struct BusRequest: Sendable, Equatable {
    public var address: BusAddress
    public var op: String
    public var paramSet: JSONValue?
    /// Always an object; the gateway sets its `sender` and `transaction` members.
    public var context: JSONObject

    public init(address: BusAddress, op: String, paramSet: JSONValue? = nil, context: JSONObject = [:]) {
        self.address = address
        self.op = op
        self.paramSet = paramSet
        self.context = context
    }

    /// Reads a request from the members of a message, checking each field as the seed's table
    /// defines it (`serviceType`, `serviceRealm`, `op` strings, `serviceVersion` an integer,
    /// `paramSet` and `context` objects when present).
    public init(message: JSONObject) throws(BusFault) {
        let type = try Self.string("serviceType", in: message)
        let realm = try Self.string("serviceRealm", in: message)
        guard let versionValue = message["serviceVersion"] else { throw .missing("serviceVersion") }
        guard case .number(let number) = versionValue, number.rounded() == number, abs(number) < 1e15 else {
            throw .malformed("serviceVersion", "must be an integer, not \(versionValue.kindName)")
        }
        self.address = BusAddress(type: type, realm: realm, version: Int(number))
        self.op = try Self.string("op", in: message)
        switch message["paramSet"] {
        case nil, .null?: self.paramSet = nil
        case .object?: self.paramSet = message["paramSet"]
        case let other?: throw .malformed("paramSet", "must be an object, not \(other.kindName)")
        }
        switch message["context"] {
        case nil, .null?: self.context = [:]
        case .object(let members)?: self.context = members
        case let other?: throw .malformed("context", "must be an object, not \(other.kindName)")
        }
    }

    private static func string(_ field: String, in message: JSONObject) throws(BusFault) -> String {
        guard let value = message[field] else { throw .missing(field) }
        guard case .string(let string) = value else { throw .malformed(field, "must be a string, not \(value.kindName)") }
        guard !string.isEmpty else { throw .malformed(field, "must not be empty") }
        return string
    }

    /// Appends the message members (without braces) in the seed's order; `continuing` puts a comma
    /// before the first, for a frame that already has members.
    public func writeMembers(to out: inout String, continuing: Bool = false) {
        BusText.target(address, op: op, to: &out, continuing: continuing)
        if let paramSet { BusText.member("paramSet", paramSet, to: &out) }
        BusText.member("context", .object(context), to: &out)
    }

    /// The message as JSON text.
    public var text: String { BusText.object(writeMembers) }
}

extension JSONValue {
    /// The JSON name of this value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
