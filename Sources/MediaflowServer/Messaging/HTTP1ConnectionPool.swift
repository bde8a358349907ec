import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Keep-alive connections for plain-HTTP calls, by host and port: a call takes an idle connection or opens
/// one, and gives it back when the response allows. A connection idle for `maxIdleTime` is closed (before
/// a server's own idle timeout, such as the 15 s of Mediaflow's, is likely to close it under a request).
/// Callbacks and calls between roles go through it; it costs a fraction of a general client's work per
/// call, which the job benchmark showed (HTTPS goes to AsyncHTTPClient). Redirects are not followed.
final class HTTP1ConnectionPool: Sendable {
    /// The pool of this process.
    static let shared = HTTP1ConnectionPool()

    /// Idle connections kept per host and port; more are closed as they come back.
    let maxIdlePerHost: Int
    /// How long a connection is kept idle.
    let maxIdleTime: TimeAmount
    /// Idle connections by host and port, most recently used last, and when idle ones were last swept.
    private let idle = Mutex<(connections: [String: [(HTTP1Connection, since: NIODeadline)]], swept: NIODeadline)>(
        ([:], .now()))

    init(maxIdlePerHost: Int = 64, maxIdleTime: TimeAmount = .seconds(10)) {
        self.maxIdlePerHost = maxIdlePerHost
        self.maxIdleTime = maxIdleTime
    }

    /// Sends `method` to the `http://` URL `url` and returns the whole response, within `timeout`, connecting
    /// included: unless `waitForListener` is false, a refused connection is tried again until then, as a peer
    /// may be starting. A reused connection that the peer had closed is replaced once.
    /// - Throws: `HTTP1ConnectionError`, a connection error, or `TransportError` for a URL it cannot call.
    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)], body: ByteBuffer?, timeout: TimeAmount,
        waitForListener: Bool = true
    ) async throws -> HTTP1Connection.Response {
        let target = try Target(url)
        let deadline = NIODeadline.now() + timeout
        if let connection = takeIdle(target.key) {
            do {
                return try await exchange(on: connection, target, method, headers, body, deadline)
            } catch HTTP1ConnectionError.closedBeforeResponse {
                // Closed by the peer while idle: the request never got there.
            }
        }
        let connection = try await connect(target, deadline: deadline, waitForListener: waitForListener)
        return try await exchange(on: connection, target, method, headers, body, deadline)
    }

    private func exchange(
        on connection: HTTP1Connection, _ target: Target, _ method: HTTPMethod, _ headers: [(String, String)],
        _ body: ByteBuffer?, _ deadline: NIODeadline
    ) async throws -> HTTP1Connection.Response {
        let response: HTTP1Connection.Response
        do {
            response = try await connection.send(
                method, target.path, headers: headers, body: body, timeout: deadline - NIODeadline.now())
        } catch {
            connection.close()
            throw error
        }
        if response.keepAlive { giveBack(connection, target.key) } else { connection.close() }
        return response
    }

    private func connect(_ target: Target, deadline: NIODeadline, waitForListener: Bool) async throws
        -> HTTP1Connection
    {
        while true {
            do {
                return try await HTTP1Connection.connect(host: target.host, port: target.port, timeout: deadline - .now())
            } catch {
                guard waitForListener, error.isRefusedConnection, deadline - .now() > .milliseconds(100) else {
                    throw error
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Whether a connection idle since `since` may still be used at `now`.
    private func isFresh(_ since: NIODeadline, at now: NIODeadline) -> Bool { now - since <= maxIdleTime }

    private func takeIdle(_ key: String) -> HTTP1Connection? {
        let now = NIODeadline.now()
        let (taken, stale) = idle.withLock { idle -> (HTTP1Connection?, [HTTP1Connection]) in
            var stale: [HTTP1Connection] = []
            while let (connection, since) = idle.connections[key]?.popLast() {
                if connection.isActive && isFresh(since, at: now) { return (connection, stale) }
                stale.append(connection)
            }
            return (nil, stale)
        }
        for connection in stale { connection.close() }
        return taken
    }

    /// Keeps `connection` for the next call to its host, unless there are enough; closes whatever has been
    /// idle too long, every `maxIdleTime`.
    private func giveBack(_ connection: HTTP1Connection, _ key: String) {
        let now = NIODeadline.now()
        let closing = idle.withLock { idle -> [HTTP1Connection] in
            var closing: [HTTP1Connection] = []
            if idle.connections[key, default: []].count < maxIdlePerHost {
                idle.connections[key, default: []].append((connection, now))
            } else {
                closing.append(connection)
            }
            if now - idle.swept > maxIdleTime {
                idle.swept = now
                for (key, entries) in idle.connections {
                    closing += entries.filter { !isFresh($0.since, at: now) }.map(\.0)
                    let kept = entries.filter { isFresh($0.since, at: now) }
                    idle.connections[key] = kept.isEmpty ? nil : kept
                }
            }
            return closing
        }
        for connection in closing { connection.close() }
    }

    /// Where an `http://` URL points: host and port to connect to, and the path with its query.
    private struct Target {
        var host: String
        var port: Int
        var path: String
        var key: String { "\(host) \(port)" }

        init(_ url: String) throws {
            guard let components = URLComponents(string: url), components.scheme?.lowercased() == "http",
                var host = components.host, !host.isEmpty
            else { throw TransportError(url: url, reason: "not an http:// URL") }
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            self.host = host
            self.port = components.port ?? 80
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            self.path = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        }
    }
}

extension Error {
    /// Whether this is a refused TCP connection, as from a peer that is not listening (yet).
    var isRefusedConnection: Bool {
        if let error = self as? NIOConnectionError {
            return error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
        }
        return (self as? IOError)?.errnoCode == ECONNREFUSED
    }
}
