import NIOCore
import NIOPosix
import Synchronization

/// The benchmarks' callback receiver as a bare NIO server: it reads `POST /arrived/KEY` (a job's callback, or
/// a workflow's last notice, its key in the URL as a caller would put its own reference there), answers `204`,
/// and posts the key to an `ArrivalBoard`. It reads no body, as wrk's scripts would not.
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

/// Where the receiver posts each arrival and a caller waits for the one it expects: whichever comes first is
/// kept until the other.
final class ArrivalBoard: Sendable {
    private enum Slot {
        case arrived
        case awaited(@Sendable () -> Void)
    }
    private let slots = Mutex<[String: Slot]>([:])

    /// Runs `then` once `key` has arrived: at once if it has, else on the thread that posts it.
    func whenArrived(_ key: String, then: @escaping @Sendable () -> Void) {
        let arrived = slots.withLock { slots in
            if case .arrived = slots.removeValue(forKey: key) { return true }
            slots[key] = .awaited(then)
            return false
        }
        if arrived { then() }
    }

    /// Returns once `key` has arrived.
    func arrival(of key: String) async {
        await withCheckedContinuation { continuation in whenArrived(key) { continuation.resume() } }
    }

    /// Records that `key` arrived, running whatever awaits it.
    func post(_ key: String) {
        let awaited = slots.withLock { slots -> (@Sendable () -> Void)? in
            if case .awaited(let then) = slots.removeValue(forKey: key) { return then }
            slots[key] = .arrived
            return nil
        }
        awaited?()
    }
}
