import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MediaflowServer
import ServiceLifecycle

/// A Mediaflow server running in the test process on a loopback port, with its own data folder.
public struct TestServer: Sendable {
    public let configuration: ServerConfiguration
    public var baseURL: String { configuration.baseURL }
    public var client: MediaflowClient { MediaflowClient(baseURL: baseURL) }

    /// A configuration on a free loopback port with a fresh data folder and short leases.
    public static func configuration(roles: Set<Role> = Set(Role.allCases)) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = try FreePort.pick()
        configuration.dataDirectory = MediaFixtures.temporaryDirectory().path
        configuration.roles = roles
        configuration.leaseSeconds = 2
        return configuration
    }
}

/// Runs `body` with servers for `configurations` started (all of them at once, so roles can find each
/// other), and stops them after, whatever `body` does.
public func withServers<T: Sendable>(
    _ configurations: [ServerConfiguration], _ body: @Sendable ([TestServer]) async throws -> T
) async throws -> T {
    var services: [any Service] = []
    for configuration in configurations {
        services.append(try await buildApplication(configuration, logger: quietLogger))
    }
    let servers = configurations.map(TestServer.init)
    return try await whileRunning(services) {
        for server in servers { try await waitForHealth(server.baseURL) }
        return try await body(servers)
    }
}

/// A logger that keeps test output clean.
var quietLogger: Logger { Logger.server(label: "test", level: .critical) }

/// Runs `body` while `services` run, then shuts them down gracefully, whether `body` returns or throws.
func whileRunning<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
    try await whileServing(services, logger: quietLogger, body)
}

/// Runs `body` with one server of `configuration`.
public func withServer<T: Sendable>(
    _ configuration: ServerConfiguration? = nil, _ body: @Sendable (TestServer) async throws -> T
) async throws -> T {
    try await withServers([configuration ?? TestServer.configuration()]) { try await body($0[0]) }
}

/// Waits until `GET /health` answers 200. The default is generous: a node process starting beside the whole
/// suite on two busy cores, migrating its schema, has taken over 20 s.
public func waitForHealth(_ baseURL: String, timeout: Duration = .seconds(60)) async throws {
    let deadline = ContinuousClock.now + timeout
    var last = "no answer"
    while ContinuousClock.now < deadline {
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(baseURL)/health"), timeout: .seconds(2))
            if response.status == .ok { return }
            last = "\(response.status.code) \(String(buffer: try await response.body.collect(upTo: 4096)))"
        } catch {
            last = "\(error)"
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw FixtureError("\(baseURL) did not become healthy within \(timeout); last: \(last)")
}

/// Runs `body` with a callback receiver listening on a free loopback port; `body` gets its base URL, where
/// any `POST /NAME` is a callback.
public func withCallbackReceiver<T: Sendable>(
    _ body: @Sendable (CallbackReceiver, String) async throws -> T
) async throws -> T {
    let receiver = CallbackReceiver()
    let port = try FreePort.pick()
    let url = "http://127.0.0.1:\(port)"
    return try await whileRunning([receiver.application(port: port, logger: quietLogger)]) {
        try await waitForPort(url)
        return try await body(receiver, url)
    }
}

/// Waits until something answers HTTP at `url`.
public func waitForPort(_ url: String, timeout: Duration = .seconds(10)) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1))) != nil { return }
        try await Task.sleep(for: .milliseconds(30))
    }
    throw FixtureError("Nothing answered at \(url)")
}

/// Waits for `condition` to hold, polling, or fails after `timeout`.
public func eventually(
    timeout: Duration = .seconds(20), _ what: String, _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw FixtureError("Timed out after \(timeout) waiting for: \(what)")
}
