import HummingbirdWSClient
import Logging
import MediaflowModel
import Synchronization

/// A WebSocket connection to a Mediaflow bus (`ws://HOST:PORT/bus/ws`), for callers and for
/// services: `call` sends a request and waits for its response; `register` offers a service whose
/// requests `serve` answers; `subscribe` and `publish` use channels.
public final class BusSocket: Sendable {
    /// Answers one request of a registered service: its `resultSet`, or a thrown `BusFault` for an
    /// `errorSet` entry (any other error becomes an internal service error).
    public typealias Serve = @Sendable (BusRequest) async throws -> JSONValue
    public typealias Receive = @Sendable (_ channel: String, _ message: JSONValue, _ context: JSONValue) async -> Void

    private let writer = Mutex<WebSocketOutboundWriter?>(nil)
    private let pending = PendingCalls<JSONObject>()
    /// The handlers, boxed: a closure kept directly in a `Mutex` is re-wrapped in a reabstraction
    /// thunk on every `withLock`, so each call would grow a longer chain of thunks.
    private let handlers = Mutex<Handlers>(Handlers())
    private struct Handlers {
        /// The registered service's handler and address.
        var service: (serve: Serve, origin: BusAddress)?
        var receive: Receive?
    }
    private let connection = Mutex<Task<Void, Never>?>(nil)

    private init() {}

    /// Connects to the bus at `url` and returns once the connection is open.
    /// - Throws: when the gateway cannot be reached or refuses the upgrade.
    public static func connect(_ url: String, logger: Logger = Logger(label: "mediaflow.bus")) async throws -> BusSocket {
        let socket = BusSocket()
        let opened = AsyncThrowingStream<Void, any Error>.makeStream()
        let task = Task {
            do {
                var configuration = WebSocketClientConfiguration()
                configuration.maxFrameSize = 16 << 20
                try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
                    socket.writer.withLock { $0 = outbound }
                    opened.continuation.yield()
                    await socket.read(inbound)
                }
                opened.continuation.finish(throwing: BusFault.disconnected())
            } catch {
                opened.continuation.finish(throwing: error)
            }
            socket.pending.closeAll()
        }
        socket.connection.withLock { $0 = task }
        for try await _ in opened.stream { return socket }
        throw BusFault.disconnected()
    }

    /// Closes the connection; calls still waiting fail as disconnected.
    public func close() async {
        try? await writer.withLock { $0 }?.close(.normalClosure, reason: nil)
        await connection.withLock { $0 }?.value
    }

    /// Calls an op and waits for the response, at most `timeout` at the gateway.
    public func call(_ request: BusRequest, timeout: Duration = .seconds(10)) async throws(BusFault) -> BusResponse {
        let members = try await exchange(timeout: timeout + .seconds(5)) { id in
            BusFrame.text(action: "request", requestId: id) { out in
                request.writeMembers(to: &out, continuing: true)
                BusText.member("timeoutMs", .number(Double(timeout.wholeMilliseconds)), to: &out)
            }
        }
        do throws(BusFault) {
            return try BusResponse(message: members)
        } catch {
            return BusResponse(failing: request, with: (try? BusError.list(members["errorSet"])) ?? [])
        }
    }

    /// Sends a frame built around a fresh `requestId` and returns the members of the frame that
    /// answers it: the way to speak the frame protocol directly.
    public func exchange(timeout: Duration = .seconds(15), _ frame: (String) -> String) async throws(BusFault)
        -> JSONObject
    {
        try await pending.call(timeout: timeout) { id in await write(frame(id)) }
    }

    /// Registers a service under its address; `serve` answers its requests from then on.
    public func register(
        _ description: BusServiceDescription, identity: JSONObject = [:], serve: @escaping Serve
    ) async throws(BusFault) {
        handlers.withLock { $0.service = (serve, description.address) }
        var service = description.json.objectValue!
        if !identity.isEmpty { service["identity"] = .object(identity) }
        let answer = try await exchange { id in
            BusFrame.text(action: "register", requestId: id) { BusText.member("service", .object(service), to: &$0) }
        }
        try Self.check(answer, expecting: "registered")
    }

    /// Subscribes to a channel pattern, alone or as a member of a shared `group`.
    public func subscribe(_ pattern: String, group: String? = nil, receive: @escaping Receive) async throws(BusFault) {
        handlers.withLock { $0.receive = receive }
        let answer = try await exchange { id in
            BusFrame.text(action: "subscribe", requestId: id) { out in
                BusText.member("channel", .string(pattern), to: &out)
                if let group { BusText.member("group", .string(group), to: &out) }
            }
        }
        try Self.check(answer, expecting: "subscribed")
    }

    /// Publishes on a channel; returns how many subscribers it went to.
    public func publish(_ message: JSONValue, on channel: String) async throws(BusFault) -> Int {
        let answer = try await exchange { id in
            BusFrame.text(action: "publish", requestId: id) { out in
                BusText.member("channel", .string(channel), to: &out)
                BusText.member("message", message, to: &out)
            }
        }
        try Self.check(answer, expecting: "published")
        return Int(saturating: answer["delivered"]?.numberValue ?? 0)
    }

    /// Writes a frame as it is, for tests of what the gateway does with it.
    public func write(_ text: String) async {
        try? await writer.withLock { $0 }?.write(.text(text))
    }

    private static func check(_ answer: JSONObject, expecting action: String) throws(BusFault) {
        guard answer["action"]?.stringValue == action else {
            let first = try? BusError.list(answer["errorSet"]).first
            throw BusFault(
                code: first?.code ?? "mediaflow.bus/E0506", message: first?.message ?? "Refused",
                details: first?.details ?? "The gateway answered \(answer["action"]?.stringValue ?? "nothing")",
                status: first?.status ?? 502)
        }
    }

    private func read(_ inbound: WebSocketInboundStream) async {
        await withDiscardingTaskGroup { group in
            do {
                for try await message in inbound.messages(maxSize: 16 << 20) {
                    guard case .text(let text) = message, let frame = try? BusFrame(bytes: text.utf8) else { continue }
                    switch frame.action {
                    case "request", "send": group.addTask { await self.answer(frame) }
                    case "message":
                        if let receive = handlers.withLock({ $0.receive }), let channel = frame.members["channel"]?.stringValue {
                            group.addTask {
                                await receive(channel, frame.members["message"] ?? .null, frame.members["context"] ?? .null)
                            }
                        }
                    default:
                        if let id = frame.requestId { pending.resolve(id, with: .success(frame.members)) }
                    }
                }
            } catch {}
            pending.closeAll()
            group.cancelAll()
        }
    }

    private func answer(_ frame: BusFrame) async {
        let service = handlers.withLock { $0.service }
        let serve: Serve = service?.serve ?? { @Sendable request in throw BusFault.unknownService(request.address) }
        let origin = service?.origin ?? BusAddress(type: "", realm: "", version: 0)
        let reply = await BusServiceReply.member(for: frame.members, origin: origin, serve: serve)
        guard frame.action == "request" else { return }
        await write(BusFrame.text(action: "response", requestId: frame.requestId) {
            BusText.member(reply.name, reply.value, to: &$0)
        })
    }
}

/// How a service answers one request message: the `resultSet` its handler returns, or an
/// `errorSet` entry for what the handler threw — or for a message that is not a request, raised
/// at `origin`.
public enum BusServiceReply {
    /// The member of the response to write: `resultSet` or `errorSet`, and its value.
    public static func member(
        for message: JSONObject, origin: BusAddress, serve: BusSocket.Serve
    ) async -> (name: String, value: JSONValue) {
        let request: BusRequest
        do throws(BusFault) {
            request = try BusRequest(message: message)
        } catch {
            return ("errorSet", [BusError(error, origin: origin).json])
        }
        do {
            return ("resultSet", try await serve(request))
        } catch {
            let fault = error as? BusFault ?? .serviceError("\(error)")
            return ("errorSet", [BusError(fault, origin: request.address).json])
        }
    }
}
