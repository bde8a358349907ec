import Foundation
import MediaflowModel
import NIOCore
import NIOHTTP1

/// A benchmark worker's side of the job protocol: `POST /Job` and `POST /StartJob` for no-op jobs, over
/// one keep-alive connection to each server.
struct JobCaller: Sendable {
    private let servers: [(baseURL: String, connection: HTTP1Connection)]
    /// The callback receiver's base URL.
    private let receiverURL: String
    private static let noOpJob = ByteBuffer(bytes: try! ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp")))

    /// Runs `body` with one caller per worker, each connected to every server, and closes their
    /// connections after it; callbacks are to go to the `CallbackReceiver` at `receiverURL`.
    static func withCallers<T>(
        workers: Int, servers: [String], receiverURL: String, _ body: ([JobCaller]) async throws -> T
    ) async throws -> T {
        var callers: [JobCaller] = []
        defer { for caller in callers { caller.close() } }
        for _ in 0..<workers {
            var connections: [(String, HTTP1Connection)] = []
            for baseURL in servers {
                guard let url = URL(string: baseURL), let host = url.host, let port = url.port else {
                    throw ConfigurationError("Cannot connect to \(baseURL)")
                }
                connections.append((baseURL, try await HTTP1Connection.connect(host: host, port: port)))
            }
            callers.append(JobCaller(servers: connections, receiverURL: receiverURL))
        }
        return try await body(callers)
    }

    /// Creates a no-op job on server `server` and returns its URL.
    func create(onServer server: Int) async throws -> String {
        let response = try await call(.POST, "/Job", onServer: server, body: Self.noOpJob, expecting: 201)
        guard let location = response.headers.first(name: "Location") else {
            throw TransportError(url: "\(servers[server].baseURL)/Job", reason: "answered without a Location")
        }
        return servers[server].baseURL + location
    }

    /// Starts the job at `jobURL` through server `server`. Its callback goes to the receiver as the notice
    /// `key` (`POST /arrived/KEY`, as a caller puts its own reference in its callback URL), so the receiver
    /// need not parse the job to know whose callback it is, as wrk would not.
    func start(_ jobURL: String, onServer server: Int, key: String) async throws {
        let callback = "\(receiverURL)/arrived/\(key)"
        var request = StartJob(job: jobURL, asyncEndpoint: AsyncEndpoint(success: callback, failure: callback))
        request.context = contextURL(baseURL: servers[server].baseURL)
        let body = ByteBuffer(bytes: try ProtocolJSON.encode(request))
        _ = try await call(.POST, "/StartJob", onServer: server, body: body, expecting: 201)
    }

    /// Asks server `server` for `GET /health`: the measure of the machine the benchmark runs on.
    func health(onServer server: Int) async throws {
        try await get("/health", onServer: server)
    }

    /// Sends `GET path` to server `server`, which must answer 200.
    func get(_ path: String, onServer server: Int) async throws {
        _ = try await call(.GET, path, onServer: server, expecting: 200)
    }

    /// Sends `method path` to server `server` and returns the response, which must have `status`.
    private func call(
        _ method: HTTPMethod, _ path: String, onServer server: Int, body: ByteBuffer? = nil, expecting status: Int
    ) async throws -> HTTP1Connection.Response {
        let (baseURL, connection) = servers[server]
        let response = try await connection.send(method, path, body: body)
        guard response.status == status else {
            throw TransportError(url: baseURL + path, reason: "answered \(response.status)")
        }
        return response
    }

    private func close() {
        for server in servers { server.connection.close() }
    }
}
