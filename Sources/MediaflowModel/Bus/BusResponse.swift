/// A response message of the service bus (seed 003): who answered, the `resultSet`, the `context`
/// and the `errorSet`.
public struct BusResponse: Sendable, Equatable {
    public var address: BusAddress
    public var op: String
    public var resultSet: JSONValue?
    public var context: JSONObject
    public var errorSet: [BusError]

    public init(
        address: BusAddress, op: String, resultSet: JSONValue? = nil, context: JSONObject = [:],
        errorSet: [BusError] = []
    ) {
        self.address = address
        self.op = op
        self.resultSet = resultSet
        self.context = context
        self.errorSet = errorSet
    }

    /// A response to `request` carrying only errors.
    public init(failing request: BusRequest, with errors: [BusError]) {
        self.init(address: request.address, op: request.op, context: request.context, errorSet: errors)
    }

    /// Reads a response message; the fields the gateway needs are checked, the rest kept as sent.
    public init(message: JSONObject) throws(BusFault) {
        let request = try BusRequest(message: message)
        self.address = request.address
        self.op = request.op
        self.resultSet = message["resultSet"].flatMap { $0 == .null ? nil : $0 }
        self.context = request.context
        self.errorSet = try BusError.list(message["errorSet"])
    }

    /// Appends the message members (without braces) in the seed's order; `continuing` puts a comma
    /// before the first, for a frame that already has members.
    public func writeMembers(to out: inout String, continuing: Bool = false) {
        BusText.target(address, op: op, to: &out, continuing: continuing)
        if let resultSet { BusText.member("resultSet", resultSet, to: &out) }
        BusText.member("context", .object(context), to: &out)
        if !errorSet.isEmpty { BusText.member("errorSet", .array(errorSet.map(\.json)), to: &out) }
    }

    /// The message as JSON text.
    public var text: String { BusText.object(writeMembers) }
}

/// Writing envelope members in a fixed order.
public enum BusText {
    /// Appends the members naming the service and the op, in the seed's order.
    static func target(_ address: BusAddress, op: String, to out: inout String, continuing: Bool) {
        member("serviceType", .string(address.type), to: &out, first: !continuing)
        member("serviceRealm", .string(address.realm), to: &out)
        member("serviceVersion", .number(Double(address.version)), to: &out)
        member("op", .string(op), to: &out)
    }

    /// An object whose members `write` appends.
    static func object(_ write: (inout String, Bool) -> Void) -> String {
        var out = "{"
        write(&out, false)
        out += "}"
        return out
    }

    /// Appends `"name":value`, preceded by a comma unless it is the first member.
    public static func member(_ name: String, _ value: JSONValue, to out: inout String, first: Bool = false) {
        var member = JSONBuffer(capacity: 64)
        if !first { member.append(byte: UInt8(ascii: ",")) }
        JSONWriter.write(string: name, to: &member)
        member.append(byte: UInt8(ascii: ":"))
        var finite = true
        JSONWriter.write(value, to: &member, finite: &finite)
        out += member.string
    }
}
