import NIOCore
import NIOPosix

/// One keep-alive HTTP/1.1 connection of the load generator, used from its event loop: a request's bytes go
/// out, and the completion gets the response's head once the whole response is in. No task and no hop to
/// another thread per request, as in wrk.
final class LeanConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    typealias Completion = (Result<LeanHTTP.Message, any Error>) -> Void

    private var context: ChannelHandlerContext?
    private var received = ByteBuffer()
    private var pending: Completion?

    /// Connects to `host:port` from `eventLoop`, where the connection is then to be used.
    static func connect(host: String, port: Int, on eventLoop: any EventLoop) async throws -> NIOLoopBound<LeanConnection> {
        let channel = try await ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(LeanConnection()) }
            }
            .connect(host: host, port: port).get()
        return try await eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: LeanConnection.self), eventLoop: eventLoop)
        }.get()
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Sends `request`, a whole HTTP/1.1 request; `completion` gets the response, or why there is none.
    func send(_ request: ByteBuffer, _ completion: @escaping Completion) {
        guard let context else { return completion(.failure(ChannelError.ioOnClosedChannel)) }
        pending = completion
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func close() { context?.close(promise: nil) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        received.writeBuffer(&bytes)
        do {
            while let message = try LeanHTTP.takeMessage(from: &received) {
                let completion = pending
                pending = nil
                completion?(.success(message))
            }
            received.discardReadBytes()
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.context = nil
        fail(ChannelError.ioOnClosedChannel)
    }

    private func fail(_ error: any Error) {
        let completion = pending
        pending = nil
        completion?(.failure(error))
    }
}
