import Foundation
import MediaflowModel
import NIOCore

/// A benchmark worker's side of the job protocol: `POST /Job` and `POST /StartJob` for no-op jobs, over
/// one keep-alive connection to each server.
struct JobCaller: Sendable {
    private let servers: [(baseURL: String, connection: HTTP1Connection)]
    private let asyncEndpoint: AsyncEndpoint
    private static let noOpJob = ByteBuffer(bytes: try! ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp")))

    /// Runs `body` with one caller per worker, each connected to every server, and closes their
    /// connections after it; callbacks are to go to `callbackURL`.
    static func withCallers<T>(
        workers: Int, servers: [String], callbackURL: String, _ body: ([JobCaller]) async throws -> T
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
            callers.append(JobCaller(servers: connections, asyncEndpoint: AsyncEndpoint(success: callbackURL, failure: callbackURL)))
        }
        return try await body(callers)
    }

    /// Creates a no-op job on server `server` and returns its URL.
    func create(onServer server: Int) async throws -> String {
        let (baseURL, connection) = servers[server]
        let response = try await connection.send(.POST, "/Job", body: Self.noOpJob)
        guard response.status == 201, let location = response.headers.first(name: "Location") else {
            throw TransportError(url: "\(baseURL)/Job", reason: "answered \(response.status)")
        }
        return baseURL + location
    }

    /// Starts the job at `jobURL` through server `server`, its callbacks going to the receiver.
    func start(_ jobURL: String, onServer server: Int) async throws {
        let (baseURL, connection) = servers[server]
        var request = StartJob(job: jobURL, asyncEndpoint: asyncEndpoint)
        request.context = contextURL(baseURL: baseURL)
        let response = try await connection.send(.POST, "/StartJob", body: ByteBuffer(bytes: try ProtocolJSON.encode(request)))
        guard response.status == 201 else { throw TransportError(url: "\(baseURL)/StartJob", reason: "answered \(response.status)") }
    }

    /// Asks server `server` for `GET /health`: the measure of the machine the benchmark runs on.
    func health(onServer server: Int) async throws {
        let (baseURL, connection) = servers[server]
        let response = try await connection.send(.GET, "/health")
        guard response.status == 200 else { throw TransportError(url: "\(baseURL)/health", reason: "answered \(response.status)") }
    }

    private func close() {
        for server in servers { server.connection.close() }
    }
}
