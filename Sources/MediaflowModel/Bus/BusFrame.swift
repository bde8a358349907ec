/// One WebSocket message of the bus: a JSON object whose `action` says what it is, with a
/// `requestId` pairing requests and their answers. The actions:
///
/// - `request` / `send` (caller → gateway → service): the request message members, plus
///   `timeoutMs` from a caller; `send` expects no answer.
/// - `response` (service → gateway → caller): the response message members.
/// - `register` (service → gateway): `service`, a service description; answered by `registered`.
/// - `subscribe` / `unsubscribe` (`channel`, optional `group`), answered by `subscribed` /
///   `unsubscribed`; `publish` (`channel`, `message`); `message` (gateway → subscriber).
/// - `error` (gateway → client): `errorSet` for a frame that could not be acted on.
public struct BusFrame: Sendable {
    public var action: String
    public var requestId: String?
    /// Every member of the frame, `action` and `requestId` included.
    public var members: JSONObject

    /// Reads a frame from JSON text.
    public init(bytes: some Collection<UInt8>) throws(BusFault) {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .notJSON(error.description) }
        guard case .object(let members) = value else { throw .malformed("message", "must be a JSON object") }
        guard let action = members["action"]?.stringValue else { throw .missing("action") }
        self.action = action
        self.members = members
        switch members["requestId"] {
        case nil, .null?: self.requestId = nil
        case .string(let id)?: self.requestId = id
        case .number(let number)?: self.requestId = JSONWriter.number(number)
        case let other?: throw .malformed("requestId", "must be a string, not \(other.kindName)")
        }
    }

    /// The text of a frame: `action`, `requestId`, then whatever `body` appends (each member
    /// preceded by a comma).
    public static func text(action: String, requestId: String?, body: (inout String) -> Void = { _ in }) -> String {
        var out = "{"
        out.reserveCapacity(512)
        BusText.member("action", .string(action), to: &out, first: true)
        if let requestId { BusText.member("requestId", .string(requestId), to: &out) }
        body(&out)
        out += "}"
        return out
    }

    /// An `error` frame.
    public static func error(requestId: String?, _ errors: [BusError]) -> String {
        text(action: "error", requestId: requestId) { BusText.member("errorSet", .array(errors.map(\.json)), to: &$0) }
    }
}
