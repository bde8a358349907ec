import MediaflowModel

/// One running copy of a bus service, however it is reached: a WebSocket connection, an HTTP
/// endpoint, or code in this process.
protocol BusInstance: AnyObject, Sendable {
    /// Unique among the instances of the gateway.
    var instanceID: String { get }
    /// The `sender.access.service` identity written into the context of calls it serves.
    var identity: JSONValue { get }
    /// Hands the request over and waits for the answer, at most `timeout`.
    func invoke(_ request: BusRequest, timeout: Duration) async throws(BusFault) -> ServiceReply
    /// Hands the request over without waiting for an answer.
    func deliver(_ request: BusRequest) async
}

/// What a service answered: a result, errors, and context members to pass back.
struct ServiceReply: Sendable {
    var resultSet: JSONValue?
    var errorSet: [BusError] = []
    var context: JSONObject = [:]

    /// Reads a service's answer leniently: only `resultSet`, `errorSet` and `context` are looked at,
    /// so a service need not repeat the address it was called at.
    init(members: JSONObject) throws(BusFault) {
        resultSet = members["resultSet"].flatMap { $0 == .null ? nil : $0 }
        do throws(BusFault) {
            errorSet = try BusError.list(members["errorSet"])
        } catch {
            throw .badReply(error.details)
        }
        if case .object(let fields)? = members["context"] { context = fields }
    }

    init(resultSet: JSONValue?, errorSet: [BusError] = []) {
        self.resultSet = resultSet
        self.errorSet = errorSet
    }
}

/// A bus service implemented in this process (Mediaflow's own capabilities).
final class LocalBusInstance: BusInstance {
    /// Throws `BusFault` for an error entry of the service's own; any other error is an internal one.
    typealias Operation = @Sendable (BusRequest) async throws -> JSONValue

    let instanceID: String
    let identity: JSONValue
    private let operations: [String: Operation]

    init(instanceID: String, identity: JSONValue, operations: [String: Operation]) {
        self.instanceID = instanceID
        self.identity = identity
        self.operations = operations
    }

    func invoke(_ request: BusRequest, timeout: Duration) async throws(BusFault) -> ServiceReply {
        guard let operation = operations[request.op] else { throw .unknownOp(request.op, request.address) }
        do {
            return ServiceReply(resultSet: try await operation(request))
        } catch {
            let fault = error as? BusFault ?? .serviceError("\(error)")
            return ServiceReply(resultSet: nil, errorSet: [BusError(fault, origin: request.address)])
        }
    }

    func deliver(_ request: BusRequest) async { _ = try? await invoke(request, timeout: .seconds(60)) }
}
