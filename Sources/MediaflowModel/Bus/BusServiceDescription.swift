/// A service as it registers on the bus: its address, what it does, and its operations.
public struct BusServiceDescription: Sendable, Equatable {
    public var address: BusAddress
    public var description: String?
    public var ops: [BusOperation]

    public init(address: BusAddress, description: String? = nil, ops: [BusOperation]) {
        self.address = address
        self.description = description
        self.ops = ops
    }

    /// Reads a registration: the address fields of a request, `ops` a non-empty array of operations.
    public init(json: JSONObject) throws(BusFault) {
        var addressFields = json
        addressFields["op"] = "register"
        addressFields["paramSet"] = nil
        addressFields["context"] = nil
        self.address = try BusRequest(message: addressFields).address
        switch json["description"] {
        case nil, .null?: self.description = nil
        case .string(let text)?: self.description = text
        case let other?: throw .malformed("description", "must be a string, not \(other.kindName)")
        }
        guard let opsValue = json["ops"] else { throw .missing("ops") }
        guard case .array(let entries) = opsValue, !entries.isEmpty else {
            throw .malformed("ops", "must be a non-empty array of operations")
        }
        self.ops = try entries.enumerated().map { (index, entry) throws(BusFault) in
            try BusOperation(json: entry, field: "ops/\(index)")
        }
    }

    public func op(named name: String) -> BusOperation? { ops.first { $0.name == name } }

    public var json: JSONValue {
        var fields: JSONObject = [
            "serviceType": .string(address.type), "serviceRealm": .string(address.realm),
            "serviceVersion": .number(Double(address.version)), "ops": .array(ops.map(\.json)),
        ]
        if let description { fields["description"] = .string(description) }
        return .object(fields)
    }
}

/// An operation of a bus service: its name, what it does, the shapes of its `paramSet` and
/// `resultSet` (free-form JSON, e.g. a JSON Schema) and examples.
public struct BusOperation: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var paramSet: JSONValue?
    public var resultSet: JSONValue?
    public var examples: [JSONValue]

    public init(
        name: String, description: String? = nil, paramSet: JSONValue? = nil, resultSet: JSONValue? = nil,
        examples: [JSONValue] = []
    ) {
        self.name = name
        self.description = description
        self.paramSet = paramSet
        self.resultSet = resultSet
        self.examples = examples
    }

    init(json: JSONValue, field: String) throws(BusFault) {
        guard case .object(let fields) = json else { throw .malformed(field, "must be an object, not \(json.kindName)") }
        guard let name = fields["name"]?.stringValue, !name.isEmpty else {
            throw .malformed("\(field)/name", "must be a non-empty string")
        }
        self.name = name
        self.description = fields["description"]?.stringValue
        self.paramSet = fields["paramSet"]
        self.resultSet = fields["resultSet"]
        self.examples = fields["examples"]?.arrayValue ?? []
    }

    public var json: JSONValue {
        var fields: JSONObject = ["name": .string(name)]
        if let description { fields["description"] = .string(description) }
        if let paramSet { fields["paramSet"] = paramSet }
        if let resultSet { fields["resultSet"] = resultSet }
        if !examples.isEmpty { fields["examples"] = .array(examples) }
        return .object(fields)
    }
}
