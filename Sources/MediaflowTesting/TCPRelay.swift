import MediaflowServer
import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay from a loopback port to another address, which a test stops to cut a server off from its
/// database — every relayed connection closes, and new ones are refused — and starts again on the same port;
/// or freezes, as a network partition does: connections stay open and are still accepted, but nothing passes
/// until it thaws, when what was sent meanwhile arrives.
public final class TCPRelay: Sendable {
    public let port: Int
    private let target: (host: String, port: Int)
    private let open = Mutex<(listener: (any Channel)?, relayed: [any Channel], frozen: Bool)>((nil, [], false))

    /// The relays' own thread, as a network's: behind the test process's busy shared event loops, a statement
    /// relayed there waited hundreds of milliseconds for its turn, each way.
    private static let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// A relay to `host:port`, not yet listening.
    public init(to host: String, port: Int) throws {
        self.port = try FreePort.pick()
        target = (host, port)
    }

    /// Listens on `port`, relaying each connection to the target.
    public func start() async throws {
        let listener = try await ServerBootstrap(group: Self.loops)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [target] inbound in
                ClientBootstrap(group: inbound.eventLoop).connect(host: target.host, port: target.port)
                    .flatMapThrowing { outbound in
                        try inbound.pipeline.syncOperations.addHandler(Forward(to: outbound))
                        try outbound.pipeline.syncOperations.addHandler(Forward(to: inbound))
                        let frozen = self.open.withLock { open in
                            open.relayed += [inbound, outbound]
                            return open.frozen
                        }
                        if frozen {
                            try inbound.syncOptions?.setOption(.autoRead, value: false)
                            try outbound.syncOptions?.setOption(.autoRead, value: false)
                        }
                    }
            }
            .bind(host: "127.0.0.1", port: port).get()
        open.withLock { $0.listener = listener }
    }

    /// Stops listening and closes every connection it relayed.
    public func stop() async throws {
        let channels = open.withLock { open in
            defer { open = (nil, [], false) }
            return (open.listener.map { [$0] } ?? []) + open.relayed
        }
        for channel in channels { try? await channel.close() }
    }

    /// Passes nothing more either way, leaving every connection open: what each side sends waits in the
    /// sockets' buffers, as it would in a network partition for TCP to send again.
    public func freeze() async { await setFrozen(true) }

    /// Passes again what was held and what follows.
    public func thaw() async { await setFrozen(false) }

    private func setFrozen(_ frozen: Bool) async {
        let channels = open.withLock { open in
            open.frozen = frozen
            return open.relayed
        }
        for channel in channels {
            do {
                try await channel.setOption(.autoRead, value: !frozen).get()
            } catch {
                // Closed meanwhile: it has nothing more to hold or pass.
            }
        }
    }
}

/// Writes what one side of a relayed connection reads to the other, and closes the other when it closes.
private final class Forward: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let peer: any Channel

    init(to peer: any Channel) { self.peer = peer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        peer.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }
}
