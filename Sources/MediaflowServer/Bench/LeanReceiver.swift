import NIOCore
import NIOPosix
import Synchronization

/// The jobs benchmark's callback receiver as a bare NIO server: it reads `POST /arrived/KEY` (a job's
/// callback, its key in the URL as a caller would put its own reference there), answers `204`, and posts the
/// key to an `ArrivalBoard`. It reads no body, as wrk's scripts would not.
enum LeanReceiver {
    /// Listens on loopback at `port` until the returned channel is closed.
    static func listen(port: Int, board: ArrivalBoard) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(board: board)) }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private static let noContent = ByteBuffer(string: "HTTP/1.1 204 No Content\r\n\r\n")
        private static let notFound = ByteBuffer(string: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        private let board: ArrivalBoard
        private var received = ByteBuffer()

        init(board: ArrivalBoard) { self.board = board }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.writeBuffer(&bytes)
            do {
                while let message = try LeanHTTP.takeMessage(from: &received) {
                    let target = message.target
                    guard message.startLine.hasPrefix("POST "), target.hasPrefix("/arrived/") else {
                        context.write(wrapOutboundOut(Self.notFound), promise: nil)
                        continue
                    }
                    context.write(wrapOutboundOut(Self.noContent), promise: nil)
                    board.post(String(target.dropFirst("/arrived/".count)))
                }
                received.discardReadBytes()
                context.flush()
            } catch {
                context.close(promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}

/// Where the receiver posts each arrival and a worker waits for the one it expects: whichever comes first
/// is kept until the other.
final class ArrivalBoard: Sendable {
    private enum Slot {
        case arrived
        case awaited(any EventLoop, @Sendable () -> Void)
    }
    private let slots = Mutex<[String: Slot]>([:])

    /// Runs `then` on `eventLoop` once `key` has arrived (at once, if it has).
    func await(_ key: String, on eventLoop: any EventLoop, then: @escaping @Sendable () -> Void) {
        let arrived = slots.withLock { slots in
            if case .arrived = slots.removeValue(forKey: key) { return true }
            slots[key] = .awaited(eventLoop, then)
            return false
        }
        if arrived { then() }
    }

    /// Records that `key` arrived, waking whoever awaits it.
    func post(_ key: String) {
        let awaited = slots.withLock { slots -> (any EventLoop, @Sendable () -> Void)? in
            if case .awaited(let eventLoop, let then) = slots.removeValue(forKey: key) { return (eventLoop, then) }
            slots[key] = .arrived
            return nil
        }
        guard let (eventLoop, then) = awaited else { return }
        if eventLoop.inEventLoop { then() } else { eventLoop.execute(then) }
    }
}
