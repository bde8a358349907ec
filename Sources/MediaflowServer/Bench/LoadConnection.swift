import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection sending one request at a time, as a load generator such as wrk
/// does: request in, whole response out, none of a general client's pooling, redirects or streaming.
/// The benchmarks drive the server with these, so that the two cores go to the server, not to its caller.
final class LoadConnection: Sendable {
    /// What came back: the status, the headers and the whole body.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    private let channel: any Channel
    private let exchange: NIOLoopBound<ExchangeHandler>
    /// The `Host` header: `host:port`.
    private let hostHeader: String
    private let answerTimeout: TimeAmount

    private init(channel: any Channel, exchange: NIOLoopBound<ExchangeHandler>, hostHeader: String, answerTimeout: TimeAmount) {
        self.channel = channel
        self.exchange = exchange
        self.hostHeader = hostHeader
        self.answerTimeout = answerTimeout
    }

    /// Connects to `host:port`; a request waits at most `answerTimeout` for its whole response.
    static func connect(host: String, port: Int, answerTimeout: TimeAmount = .seconds(30)) async throws -> LoadConnection {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel = try await ClientBootstrap(group: group)
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
        return LoadConnection(channel: channel, exchange: exchange, hostHeader: "\(host):\(port)", answerTimeout: answerTimeout)
    }

    /// Sends `method path` with a JSON `body` and returns the response.
    func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer? = nil) async throws -> Response {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: hostHeader)
        if let body {
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        let promise = channel.eventLoop.makePromise(of: Response.self)
        channel.eventLoop.execute { [exchange, head] in exchange.value.send(head, body: body, promise: promise) }
        // A server that stops answering fails the request (the connection is closed) rather than hanging the run.
        let deadline = channel.eventLoop.scheduleTask(in: answerTimeout) { [channel] in channel.close(promise: nil) }
        defer { deadline.cancel() }
        return try await promise.futureResult.get()
    }

    /// Closes the connection; the server sees it go at once.
    func close() { channel.close(promise: nil) }
}

/// Writes a request and completes its promise with the response once the whole of it has arrived.
private final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private var pending: EventLoopPromise<LoadConnection.Response>?
    private var response: LoadConnection.Response?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func send(_ head: HTTPRequestHead, body: ByteBuffer?, promise: EventLoopPromise<LoadConnection.Response>) {
        guard let context, pending == nil else {
            promise.fail(ChannelError.inappropriateOperationForState)
            return
        }
        pending = promise
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response = .init(status: Int(head.status.code), headers: head.headers, body: ByteBuffer())
        case .body(var part):
            response?.body.writeBuffer(&part)
        case .end:
            if let response { pending?.succeed(response) }
            pending = nil
            response = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        pending?.fail(error)
        pending = nil
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.fail(ChannelError.ioOnClosedChannel)
        pending = nil
        self.context = nil
    }
}
