import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection sending one request at a time: request in, whole response out,
/// none of a general client's redirects, streaming or TLS. Plain-HTTP calls between roles and callbacks
/// go over these (`HTTP1ConnectionPool`).
final class HTTP1Connection: Sendable {
    /// What came back: the status, the headers, the whole body, and whether the connection may be reused.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer
        var keepAlive: Bool
    }

    private let channel: any Channel
    private let exchange: NIOLoopBound<ExchangeHandler>
    /// The `Host` header: `host:port`.
    private let hostHeader: String

    private init(channel: any Channel, exchange: NIOLoopBound<ExchangeHandler>, hostHeader: String) {
        self.channel = channel
        self.exchange = exchange
        self.hostHeader = hostHeader
    }

    /// Whether the connection is still open.
    var isActive: Bool { channel.isActive }

    /// Connects to `host:port` (an IPv6 address without brackets), taking at most `timeout`.
    static func connect(host: String, port: Int, timeout: TimeAmount = .seconds(10)) async throws -> HTTP1Connection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
            .connect(host: host, port: port).get()
        let exchange = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ExchangeHandler.self), eventLoop: channel.eventLoop)
        }.get()
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return HTTP1Connection(channel: channel, exchange: exchange, hostHeader: hostHeader)
    }

    /// Sends `method path` with `headers` and a JSON `body`, and returns the response.
    /// - Parameters:
    ///   - timeout: how long to wait for the whole response; then the connection is closed and the call fails.
    ///   - maxBody: the largest response body taken; a larger one fails the call.
    /// - Throws: `HTTP1ConnectionError`, or the channel's error.
    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: ByteBuffer? = nil,
        timeout: TimeAmount = .seconds(30), maxBody: Int = HTTPTransport.maxReplyBytes
    ) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: hostHeader)
        if let body {
            head.headers.add(name: "Content-Type", value: ProtocolIO.contentType)
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else if method == .POST || method == .PUT {
            head.headers.add(name: "Content-Length", value: "0")
        }
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        let promise = channel.eventLoop.makePromise(of: Response.self)
        channel.eventLoop.execute { [exchange, head] in
            exchange.value.send(head, body: body, deadline: .now() + timeout, maxBody: maxBody, promise: promise)
        }
        return try await promise.futureResult.get()
    }

    /// Closes the connection; the peer sees it go at once.
    func close() { channel.close(promise: nil) }
}

/// Why an exchange failed, where that matters to the caller.
enum HTTP1ConnectionError: Error, Equatable {
    /// The connection was closed or reset before any of the response arrived; the request may not have
    /// been read.
    case closedBeforeResponse
    /// No whole response arrived in time.
    case timedOut
    /// The response body was larger than allowed.
    case bodyTooLarge
}

/// Writes a request and completes its promise with the response once the whole of it has arrived.
private final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private var pending: EventLoopPromise<HTTP1Connection.Response>?
    private var response: HTTP1Connection.Response?
    private var maxBody = 0
    /// When the exchange under way must have ended.
    private var deadline = NIODeadline.distantFuture
    /// The one timer that checks the deadline, and when it fires. It is not set again per request: firing
    /// during a later exchange it waits on for that one's deadline, so a busy connection sets a timer once
    /// per timeout rather than setting and cancelling one per request (only an earlier deadline moves it).
    private var timer: (scheduled: Scheduled<Void>, moment: NIODeadline)?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func send(
        _ head: HTTPRequestHead, body: ByteBuffer?, deadline: NIODeadline, maxBody: Int,
        promise: EventLoopPromise<HTTP1Connection.Response>
    ) {
        guard let context, pending == nil else {
            promise.fail(pending == nil ? HTTP1ConnectionError.closedBeforeResponse : ChannelError.inappropriateOperationForState)
            return
        }
        pending = promise
        self.maxBody = maxBody
        self.deadline = deadline
        if timer.map({ deadline < $0.moment }) ?? true {
            timer?.scheduled.cancel()
            watch(until: deadline, on: context.eventLoop)
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// A peer that stops answering fails the request (the connection is closed) rather than hanging it.
    private func watch(until moment: NIODeadline, on loop: any EventLoop) {
        let scheduled = loop.assumeIsolated().scheduleTask(deadline: moment) { [self] in
            timer = nil
            guard pending != nil else { return }
            if deadline <= .now() {
                fail(HTTP1ConnectionError.timedOut)
            } else {
                watch(until: deadline, on: loop)
            }
        }
        timer = (scheduled, moment)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response = .init(status: Int(head.status.code), headers: head.headers, body: ByteBuffer(), keepAlive: head.isKeepAlive)
        case .body(var part):
            guard (response?.body.readableBytes ?? 0) + part.readableBytes <= maxBody else {
                fail(HTTP1ConnectionError.bodyTooLarge)
                return
            }
            response?.body.writeBuffer(&part)
        case .end:
            if let response { pending?.succeed(response) }
            pending = nil
            response = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(pending != nil && response == nil ? HTTP1ConnectionError.closedBeforeResponse : error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(response == nil ? HTTP1ConnectionError.closedBeforeResponse : ChannelError.ioOnClosedChannel)
        self.context = nil
        timer?.scheduled.cancel()
        timer = nil
    }

    /// Fails the request under way, if any, and closes the connection: what is left of a response is unusable.
    private func fail(_ error: any Error) {
        let promise = pending
        pending = nil
        response = nil
        promise?.fail(error)
        context?.close(promise: nil)
    }
}
