import Foundation
import MediaflowModel

/// Mediaflow's own capabilities as bus services, so a bus client can do what a REST client can:
/// `mediaflow.jobs` and `mediaflow.registry` (realm `global`, version 1) forward each op to the
/// job protocol's routes over HTTP, wherever those roles run; `mediaflow.workflows` runs the Step
/// Functions actions in this process.
enum BuiltInBusServices {
    /// One op forwarded to a REST route: `{name}` in the path is taken from `paramSet`, the body
    /// (when sent) is the whole `paramSet`, and string members become query parameters for `query`.
    struct Route: Sendable {
        var op: String
        var description: String
        var method: String
        var path: String
        var body = false
        /// The role whose route this is.
        var role = Role.jobRepository
        var query = false
    }

    static let jobs = [
        Route(op: "create", description: "POST /Job: creates a job; paramSet is the job", method: "POST", path: "/Job", body: true),
        Route(op: "start", description: "POST /StartJob: starts a job; paramSet is the StartJob", method: "POST", path: "/StartJob", body: true, role: .jobProcessor),
        Route(op: "get", description: "GET /Job/{id}", method: "GET", path: "/Job/{id}"),
        Route(op: "list", description: "GET /Job with the filters of paramSet (status, type, profile, cursor, …)", method: "GET", path: "/Job", query: true),
        Route(op: "cancel", description: "POST /CancelJob: paramSet {job}", method: "POST", path: "/CancelJob", body: true, role: .jobProcessor),
        Route(op: "delete", description: "DELETE /Job/{id} of a finished job", method: "DELETE", path: "/Job/{id}"),
    ]

    static let registry = [
        Route(op: "listServices", description: "GET /Service", method: "GET", path: "/Service", role: .serviceRegistry),
        Route(op: "getService", description: "GET /Service/{id}", method: "GET", path: "/Service/{id}", role: .serviceRegistry),
        Route(op: "listProfiles", description: "GET /JobProfile", method: "GET", path: "/JobProfile", role: .serviceRegistry),
        Route(op: "getProfile", description: "GET /JobProfile/{label}", method: "GET", path: "/JobProfile/{label}", role: .serviceRegistry),
    ]

    static func description(_ type: String, _ text: String, _ routes: [Route]) -> BusServiceDescription {
        BusServiceDescription(
            address: BusAddress(type: type, realm: "global", version: 1), description: text,
            ops: routes.map { BusOperation(name: $0.op, description: $0.description) })
    }

    /// A service whose ops call the REST routes of the roles, at the URLs `urls` gives.
    static func forwarding(
        _ routes: [Route], instanceID: String, urls: @escaping @Sendable (Role) -> String?, transport: HTTPTransport,
        identity: JSONValue
    ) -> LocalBusInstance {
        var operations: [String: LocalBusInstance.Operation] = [:]
        for route in routes {
            operations[route.op] = { request in
                guard let baseURL = urls(route.role) else {
                    throw BusFault.unreachable("This server is not told where the \(route.role.rawValue) role runs")
                }
                return try await forward(request, route: route, baseURL: baseURL, transport: transport)
            }
        }
        return LocalBusInstance(instanceID: instanceID, identity: identity, operations: operations)
    }

    private static func forward(_ request: BusRequest, route: Route, baseURL: String, transport: HTTPTransport)
        async throws(BusFault) -> JSONValue
    {
        let params = request.paramSet?.objectValue ?? [:]
        var path = route.path
        while let open = path.firstIndex(of: "{"), let close = path[open...].firstIndex(of: "}") {
            let name = String(path[path.index(after: open)..<close])
            guard let value = params[name]?.stringValue, !value.isEmpty else {
                throw .malformed("paramSet/\(name)", "is required, a string")
            }
            let segment = value.split(separator: "/").last.map(String.init) ?? value
            path.replaceSubrange(open...close, with: segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? segment)
        }
        var url = baseURL + path
        if route.query, !params.isEmpty {
            var components = URLComponents(string: url)!
            components.queryItems = params.sorted { $0.key < $1.key }.compactMap { key, value in
                (value.stringValue ?? value.numberValue.map(JSONWriter.number)).map { URLQueryItem(name: key, value: $0) }
            }
            url = components.string!
        }
        let body = route.body ? Data(JSONWriter.text(request.paramSet ?? [:]).utf8) : nil
        let reply: HTTPTransport.Reply
        do {
            reply = try await transport.send(.init(rawValue: route.method), url, json: body)
        } catch {
            throw .unreachable("\(error)")
        }
        let value = (try? JSONParser.parse(reply.body)) ?? .null
        guard reply.isSuccess else { throw BusFault(problem: value, status: reply.status, namespace: "mediaflow.rest") }
        switch value {
        case .object: return value
        case .array: return ["items": value]
        default: return [:]
        }
    }
}

extension BusFault {
    /// The fault for a problem+json answer: its slug in the code, its detail and pointer in `details`.
    init(problem: JSONValue, status: Int, namespace: String) {
        let slug = problem["type"]?.stringValue?.split(separator: "/").last.map(String.init) ?? "E\(status)"
        let pointer = problem["pointer"]?.stringValue.map { " (at \($0))" } ?? ""
        self.init(
            code: "\(namespace)/\(slug)", message: problem["title"]?.stringValue ?? "Request refused",
            details: (problem["detail"]?.stringValue ?? "HTTP \(status)") + pointer, status: status,
            field: problem["pointer"]?.stringValue)
    }
}

extension BuiltInBusServices {
    /// `mediaflow.workflows`: each Step Functions action is an op, `paramSet` its request.
    static func workflows(_ operations: WorkflowOperations, identity: JSONValue) -> (BusServiceDescription, LocalBusInstance) {
        var table: [String: LocalBusInstance.Operation] = [:]
        for name in WorkflowOperations.names {
            table[name] = { request in
                do {
                    return try await translatingWorkflowErrors { try await operations.call(name, request.paramSet ?? [:]) }
                } catch let problem as Problem {
                    throw BusFault(problem: .object(problem.document), status: Int(problem.status.code), namespace: "mediaflow.workflows")
                }
            }
        }
        let description = BusServiceDescription(
            address: BusAddress(type: "mediaflow.workflows", realm: "global", version: 1),
            description: "The Step Functions actions of the workflow engine; paramSet is the action's request",
            ops: WorkflowOperations.names.map { BusOperation(name: $0) })
        return (description, LocalBusInstance(instanceID: "local:workflows", identity: identity, operations: table))
    }
}

extension BuiltInBusServices {
    /// Registers Mediaflow's own services on a gateway.
    static func register(
        on gateway: BusGateway, configuration: ServerConfiguration, transport: HTTPTransport,
        workflows: WorkflowOperations?
    ) {
        let identity = gateway.identity.json
        let urls: @Sendable (Role) -> String? = { configuration.url(of: $0) }
        gateway.register(
            description("mediaflow.jobs", "Jobs of the job protocol: create, start, get, list, cancel, delete", jobs),
            instance: forwarding(jobs, instanceID: "local:jobs", urls: urls, transport: transport, identity: identity))
        gateway.register(
            description("mediaflow.registry", "The service registry: media services and job profiles", registry),
            instance: forwarding(registry, instanceID: "local:registry", urls: urls, transport: transport, identity: identity))
        if let workflows {
            let (description, instance) = self.workflows(workflows, identity: identity)
            gateway.register(description, instance: instance)
        }
    }
}
