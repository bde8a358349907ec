import AsyncHTTPClient
import Foundation
import Hummingbird
import MediaflowModel
import NIOCore
import NIOHTTP1

/// JSON over HTTP between roles and to callers, with the protocol's coding conventions: plain HTTP over
/// the lean `HTTP1ConnectionPool`, HTTPS over AsyncHTTPClient.
struct HTTPTransport: Sendable {
    let client: HTTPClient
    var pool = HTTP1ConnectionPool.shared
    /// How long a call may take, connecting included (refused connections are tried again until then).
    var timeout: TimeAmount = .seconds(10)
    /// Whether a refused plain-HTTP connection is tried again until `timeout`, as a peer may be starting;
    /// a command-line client rather fails at once.
    var waitsForListener = true
    /// The largest reply body taken.
    static let maxReplyBytes = 16 << 20

    /// A response: its status, headers and body.
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        var isSuccess: Bool { (200..<300).contains(status) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try ProtocolJSON.decode(type, from: body) }
    }

    /// Sends `body` (already JSON) with `method` to `url` and returns the reply.
    /// - Throws: `TransportError` when the peer cannot be reached.
    func send(_ method: NIOHTTP1.HTTPMethod, _ url: String, json body: Data? = nil, headers: [(String, String)] = [])
        async throws -> Reply
    {
        if url.utf8.starts(with: "http://".utf8) {
            do {
                let response = try await pool.send(
                    method, url, headers: headers, body: body.map { ByteBuffer(bytes: $0) }, timeout: timeout,
                    waitForListener: waitsForListener)
                return Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
            } catch {
                throw TransportError(url: url, reason: Self.reason(error))
            }
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: ProtocolIO.contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let buffer = try await response.body.collect(upTo: Self.maxReplyBytes)
            return Reply(
                status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
        } catch {
            throw TransportError(url: url, reason: Self.reason(error))
        }
    }

    /// Why a call failed, in words: a refused connection plainly.
    private static func reason(_ error: any Error) -> String {
        error.isRefusedConnection ? "connection refused: nothing listens there" : "\(error)"
    }

    /// Sends `value` encoded as JSON.
    func send(_ method: NIOHTTP1.HTTPMethod, _ url: String, _ value: some Encodable) async throws -> Reply {
        try await send(method, url, json: try ProtocolJSON.encode(value))
    }

    /// GETs `url` and decodes a `T`, or nil on 404.
    /// - Throws: `TransportError` for any other failure.
    func get<T: Decodable>(_ type: T.Type, _ url: String) async throws -> T? {
        try await get(url)?.decode(type)
    }

    /// GETs `url`: a successful reply, or nil on 404.
    /// - Throws: `TransportError` for any other failure.
    func get(_ url: String) async throws -> Reply? {
        let reply = try await send(.GET, url)
        if reply.status == 404 { return nil }
        guard reply.isSuccess else { throw TransportError(url: url, reason: "answered \(reply.status)") }
        return reply
    }
}

/// A peer could not be reached or did not answer as the protocol expects.
struct TransportError: Error, Sendable, CustomStringConvertible {
    var url: String
    var reason: String

    var description: String { "\(url): \(reason)" }
}

extension HTTPClient {
    /// The client a Mediaflow process calls other roles, services and callers with (see
    /// `Configuration.mediaflow`). It lives as long as the process, like `.shared`.
    public static let mediaflow = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .mediaflow())

    /// `.mediaflow` failing a call at once when its connection cannot be made, rather than trying again until
    /// the call's timeout: for the command line, where nothing listening is to be said at once.
    static let impatient: HTTPClient = {
        var configuration = HTTPClient.Configuration.mediaflow()
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}

extension HTTPClient.Configuration {
    /// `.shared`'s settings without tracing spans (Mediaflow installs no tracer, and the no-op spans showed in
    /// the jobs benchmark's profile) or response decompression (the protocol's replies are small JSON), and
    /// with room for `connectionsPerHost` calls at once to one host: callbacks to one caller, reports to one
    /// processor.
    public static func mediaflow(connectionsPerHost: Int = 64) -> Self {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.tracing.tracer = nil
        configuration.decompression = .disabled
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        return configuration
    }
}
