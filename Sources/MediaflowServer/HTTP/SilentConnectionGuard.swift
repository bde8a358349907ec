import HummingbirdCore
import Logging
import NIOCore

/// Closes a connection that has not sent a byte within `deadline`, or at once when the server shuts
/// down. HummingbirdWebSocket's upgrade channel starts watching a connection (idle timeout, the
/// server's quiesce event) only once its first request is read, so a connection opened and never
/// used — which AsyncHTTPClient's pool does when a request finds another connection free first —
/// held a graceful shutdown for good.
struct SilentConnectionGuard<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let deadline: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FirstByteWatch(deadline: deadline), position: .first)
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Closes its channel unless bytes arrive within `deadline`; steps out of the pipeline once they do.
final class FirstByteWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: TimeAmount
    private var timer: Scheduled<Void>?

    init(deadline: TimeAmount) { self.deadline = deadline }

    func handlerAdded(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: deadline) { context.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)  // the server is shutting down and this connection has said nothing
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
