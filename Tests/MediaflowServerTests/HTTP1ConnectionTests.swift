import Foundation
import MediaflowModel
import MediaflowTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import MediaflowServer

/// The lean HTTP/1.1 client: one connection, and the pool that callbacks and calls between roles go through.
@Suite struct HTTP1ConnectionTests {
    static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    @Test func aServerThatNeverAnswersFailsTheRequest() async throws {
        let (blackHole, port) = try FreePort.blackHole()
        defer { close(blackHole) }
        let connection = try await HTTP1Connection.connect(host: "127.0.0.1", port: port)
        defer { connection.close() }
        let started = ContinuousClock.now
        await #expect(throws: HTTP1ConnectionError.timedOut) {
            try await connection.send(.GET, "/health", timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// One timer per connection watches its deadlines: an exchange with a shorter timeout than the one
    /// before it still times out on time.
    @Test func aShorterTimeoutAfterALongerOneIsKept() async throws {
        let file = MediaFixtures.temporaryDirectory().appendingPathComponent("small.bin")
        try Data("x".utf8).write(to: file)
        try await withSlowMediaServer(serving: file) { baseURL in
            let port = try #require(URL(string: baseURL)?.port)
            let connection = try await HTTP1Connection.connect(host: "127.0.0.1", port: port)
            defer { connection.close() }
            #expect(try await connection.send(.GET, "/media/0/small.bin", timeout: .seconds(60)).status == 200)
            let started = ContinuousClock.now
            await #expect(throws: HTTP1ConnectionError.timedOut) {
                try await connection.send(.GET, "/media/30/small.bin", timeout: .milliseconds(300))
            }
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func aServerThatAnswersIsRead() async throws {
        try await withServer { server in
            let url = try #require(URL(string: server.client.baseURL))
            let connection = try await HTTP1Connection.connect(host: "127.0.0.1", port: try #require(url.port))
            defer { connection.close() }
            let body = ByteBuffer(bytes: try ProtocolJSON.encode(Job(type: .ameJob, profile: "NoOp")))
            let created = try await connection.send(.POST, "/Job", body: body)
            #expect(created.status == 201)
            #expect(created.headers.first(name: "Location")?.hasPrefix("/Job/") == true)
            #expect(try await connection.send(.GET, "/health").status == 200)
        }
    }

    @Test func callsInTurnShareOneConnection() async throws {
        let server = try await ScriptedHTTPServer.start { _ in (Self.ok, close: false) }
        defer { server.stop() }
        let pool = HTTP1ConnectionPool()
        for _ in 0..<3 {
            let response = try await pool.send(
                .POST, server.url("/done?x=1"), headers: [("Idempotency-Key", "k")], body: ByteBuffer(string: "{}"),
                timeout: .seconds(5))
            #expect(response.status == 200 && String(buffer: response.body) == "ok")
        }
        #expect(server.connections == 1)
        #expect(server.requests.map(\.uri) == ["/done?x=1", "/done?x=1", "/done?x=1"])
        let head = try #require(server.requests.first)
        #expect(head.method == .POST && head.headers["Host"] == ["127.0.0.1:\(server.port)"])
        #expect(head.headers["Content-Type"] == ["application/json; charset=utf-8"] && head.headers["Idempotency-Key"] == ["k"])
    }

    @Test func aConnectionIdleTooLongIsNotReused() async throws {
        let server = try await ScriptedHTTPServer.start { _ in (Self.ok, close: false) }
        defer { server.stop() }
        // Margins of two seconds either way, so that a busy machine does not decide the outcome (beside the whole
        // suite, half a second was not always enough).
        let pool = HTTP1ConnectionPool(maxIdleTime: .seconds(2))
        for pause in [0, 4_000, 0] {
            try await Task.sleep(for: .milliseconds(pause))
            #expect(try await pool.send(.GET, server.url("/"), headers: [], body: nil, timeout: .seconds(5)).status == 200)
        }
        #expect(server.connections == 2)
    }

    @Test func aConnectionThePeerClosedIsReplaced() async throws {
        // The server closes each connection after answering without saying so, as an idle timeout would.
        let server = try await ScriptedHTTPServer.start { _ in (Self.ok, close: true) }
        defer { server.stop() }
        let pool = HTTP1ConnectionPool()
        for pause in [0, 0, 0, 50, 0, 0] {
            let response = try await pool.send(.GET, server.url("/"), headers: [], body: nil, timeout: .seconds(5))
            #expect(response.status == 200)
            try await Task.sleep(for: .milliseconds(pause))
        }
        #expect(server.connections == 6)
    }

    @Test func chunkedAndClosingResponsesAreRead() async throws {
        let server = try await ScriptedHTTPServer.start { count in
            count == 1
                ? ("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", close: false)
                : ("HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye", close: true)
        }
        defer { server.stop() }
        let pool = HTTP1ConnectionPool()
        let chunked = try await pool.send(.POST, server.url("/"), headers: [], body: ByteBuffer(string: "{}"), timeout: .seconds(5))
        #expect(chunked.status == 201 && String(buffer: chunked.body) == "ok")
        let closing = try await pool.send(.GET, server.url("/"), headers: [], body: nil, timeout: .seconds(5))
        #expect(closing.status == 202 && String(buffer: closing.body) == "bye" && !closing.keepAlive)
        #expect(try await pool.send(.GET, server.url("/"), headers: [], body: nil, timeout: .seconds(5)).status == 202)
        #expect(server.connections == 2)
    }

    @Test func aBodyLargerThanAllowedFailsTheCall() async throws {
        let server = try await ScriptedHTTPServer.start { _ in (Self.ok, close: false) }
        defer { server.stop() }
        let connection = try await HTTP1Connection.connect(host: "127.0.0.1", port: server.port)
        defer { connection.close() }
        await #expect(throws: HTTP1ConnectionError.bodyTooLarge) { try await connection.send(.GET, "/", maxBody: 1) }
    }

    @Test func aPeerThatIsStartingIsWaitedForAndOneThatIsNotFailsInTime() async throws {
        let port = try FreePort.pick()
        let starting = Task {
            try await Task.sleep(for: .milliseconds(300))
            return try await ScriptedHTTPServer.start(port: port) { _ in (Self.ok, close: false) }
        }
        let pool = HTTP1ConnectionPool()
        let response = try await pool.send(.GET, "http://127.0.0.1:\(port)/", headers: [], body: nil, timeout: .seconds(30))
        #expect(response.status == 200)
        try await starting.value.stop()

        let nobody = try FreePort.pick()
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) {
            try await pool.send(.GET, "http://127.0.0.1:\(nobody)/", headers: [], body: nil, timeout: .milliseconds(500))
        }
        #expect(ContinuousClock.now - started < .seconds(6))
    }

    /// The CLI's client: nothing listening is said plainly at once, not after the transport's 10 s of retries
    /// (over HTTPS, AsyncHTTPClient's).
    @Test(arguments: ["http", "https"])
    func aClientThatDoesNotWaitForItsServerSaysAtOnceThatNothingListens(scheme: String) async throws {
        let url = "\(scheme)://127.0.0.1:\(try FreePort.pick())"
        let started = ContinuousClock.now
        let error = await #expect(throws: TransportError.self) {
            try await MediaflowClient(baseURL: url, waitsForServer: false).jobs()
        }
        #expect(ContinuousClock.now - started < .seconds(6))
        #expect(error?.description == "\(url)/Job: connection refused: nothing listens there")
    }
}

/// A server on loopback that answers request n (counted from 1) with the raw text `answer(n)` gives, and
/// closes the connection after it when told to; it counts the connections it accepts.
final class ScriptedHTTPServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let tally: Tally

    /// What the server has seen: connections, and the head of each request.
    private final class Tally: Sendable {
        let state = Mutex<(connections: Int, requests: [HTTPRequestHead])>((0, []))
    }

    var connections: Int { tally.state.withLock { $0.connections } }
    var requests: [HTTPRequestHead] { tally.state.withLock { $0.requests } }

    private init(port: Int, channel: any Channel, tally: Tally) {
        self.port = port
        self.channel = channel
        self.tally = tally
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    static func start(
        port: Int = 0, answer: @escaping @Sendable (Int) -> (String, close: Bool)
    ) async throws -> ScriptedHTTPServer {
        let tally = Tally()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                tally.state.withLock { $0.connections += 1 }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try child.pipeline.syncOperations.addHandler(
                        ScriptedAnswerer { head in
                            let count = tally.state.withLock { state in
                                state.requests.append(head)
                                return state.requests.count
                            }
                            return answer(count)
                        })
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return ScriptedHTTPServer(port: channel.localAddress?.port ?? port, channel: channel, tally: tally)
    }

    func stop() { channel.close(promise: nil) }
}

private final class ScriptedAnswerer: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    let answer: @Sendable (HTTPRequestHead) -> (String, close: Bool)
    private var head: HTTPRequestHead?

    init(answer: @escaping @Sendable (HTTPRequestHead) -> (String, close: Bool)) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            let (text, close) = answer(head)
            let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)))
            if close {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                written.whenComplete { _ in bound.value.close(promise: nil) }
            }
        }
    }
}
