import Foundation
import HummingbirdWebSocket
import MediaflowModel
import Synchronization

/// One WebSocket connected to the bus. Over it a client calls ops, registers services and serves
/// their calls (so a service behind a firewall needs no open port), and uses channels. When it
/// closes, its services stop receiving work at once and the calls it was serving fail as
/// disconnected. The frames are described on `BusFrame`.
final class BusConnection: BusInstance {
    let instanceID = UniqueID.make()
    private let gateway: BusGateway
    private let outbound: WebSocketOutboundWriter
    private let pending = PendingCalls<ServiceReply>()
    private let serviceIdentity: Mutex<JSONValue>
    static let defaultTimeout = Duration.seconds(10)
    static let longestTimeout = Duration.seconds(300)

    init(gateway: BusGateway, outbound: WebSocketOutboundWriter) {
        self.gateway = gateway
        self.outbound = outbound
        self.serviceIdentity = Mutex(["id": .string(instanceID)])
    }

    var identity: JSONValue { serviceIdentity.withLock { $0 } }

    /// Reads frames until the client goes away, answering each; calls run concurrently.
    func run(_ inbound: WebSocketInboundStream, maxMessageBytes: Int) async {
        await withDiscardingTaskGroup { group in
            do {
                for try await message in inbound.messages(maxSize: maxMessageBytes) {
                    guard case .text(let text) = message else {
                        await write(BusFrame.error(requestId: nil, [gateway.reject(.notJSON("binary messages are not read"))]))
                        continue
                    }
                    let frame: BusFrame
                    do throws(BusFault) {
                        frame = try BusFrame(bytes: text.utf8)
                    } catch {
                        await write(BusFrame.error(requestId: nil, [gateway.reject(error)]))
                        continue
                    }
                    if frame.action == "response", let id = frame.requestId {
                        // A service's answer only completes a waiting call: no task needed.
                        answer(frame, id: id)
                    } else {
                        group.addTask { await self.handle(frame) }
                    }
                }
            } catch {}
            close()
        }
    }

    private func close() {
        gateway.unregister(instanceID: instanceID)
        gateway.channels.unsubscribe(instanceID)
        pending.closeAll()
    }

    private func handle(_ frame: BusFrame) async {
        do throws(BusFault) {
            switch frame.action {
            case "request": try await call(frame)
            case "send": _ = try gateway.send(BusRequest(message: frame.members), caller: instanceID)
            case "response": throw BusFault.missing("requestId")
            case "register": try await register(frame)
            case "subscribe": try await subscribe(frame)
            case "unsubscribe":
                gateway.channels.unsubscribe(instanceID, from: try ChannelPattern(try frame.string("channel")))
                await write(BusFrame.text(action: "unsubscribed", requestId: frame.requestId))
            case "publish": try await publish(frame)
            default: throw BusFault.malformed("action", "'\(frame.action)' is not a bus action")
            }
        } catch {
            let kind = frame.action == "request" ? "response" : "error"
            await write(BusFrame.text(action: kind, requestId: frame.requestId) {
                BusText.member("errorSet", .array([self.gateway.reject(error).json]), to: &$0)
            })
        }
    }

    private func call(_ frame: BusFrame) async throws(BusFault) {
        let request = try BusRequest(message: frame.members)
        var timeout = Self.defaultTimeout
        if let value = frame.members["timeoutMs"] {
            guard let milliseconds = value.numberValue, milliseconds > 0 else {
                throw .malformed("timeoutMs", "must be a positive number of milliseconds")
            }
            timeout = min(.milliseconds(Int64(saturating: milliseconds)), Self.longestTimeout)
        }
        let response = await gateway.call(request, caller: instanceID, timeout: timeout)
        await write(BusFrame.text(action: "response", requestId: frame.requestId) { response.writeMembers(to: &$0, continuing: true) })
    }

    private func answer(_ frame: BusFrame, id: String) {
        let reply: Result<ServiceReply, BusFault>
        do {
            reply = .success(try ServiceReply(members: frame.members))
        } catch {
            reply = .failure(error)
        }
        pending.resolve(id, with: reply)
    }

    private func register(_ frame: BusFrame) async throws(BusFault) {
        guard case .object(let fields)? = frame.members["service"] else { throw .missing("service") }
        let description = try BusServiceDescription(json: fields)
        if case .object(var identity)? = fields["identity"] {
            identity["id"] = .string(instanceID)
            serviceIdentity.withLock { $0 = .object(identity) }
        }
        gateway.register(description, instance: self)
        await write(BusFrame.text(action: "registered", requestId: frame.requestId) {
            BusText.member("instanceId", .string(self.instanceID), to: &$0)
        })
    }

    private func subscribe(_ frame: BusFrame) async throws(BusFault) {
        let pattern = try ChannelPattern(try frame.string("channel"))
        let group = frame.members["group"]?.stringValue
        gateway.channels.subscribe(instanceID, to: pattern, group: group) { channel, message, context in
            await self.write(BusFrame.text(action: "message", requestId: nil) { out in
                BusText.member("channel", .string(channel), to: &out)
                BusText.member("message", message, to: &out)
                BusText.member("context", context, to: &out)
            })
        }
        await write(BusFrame.text(action: "subscribed", requestId: frame.requestId))
    }

    private func publish(_ frame: BusFrame) async throws(BusFault) {
        let channel = try ChannelPattern(try frame.string("channel"), wildcards: false)
        guard let message = frame.members["message"] else { throw .missing("message") }
        let count = await gateway.publish(message, on: channel.text, caller: instanceID)
        await write(BusFrame.text(action: "published", requestId: frame.requestId) {
            BusText.member("delivered", .number(Double(count)), to: &$0)
        })
    }

    // MARK: BusInstance

    func invoke(_ request: BusRequest, timeout: Duration) async throws(BusFault) -> ServiceReply {
        try await pending.call(timeout: timeout) { id in
            await write(BusFrame.text(action: "request", requestId: id) { request.writeMembers(to: &$0, continuing: true) })
        }
    }

    func deliver(_ request: BusRequest) async {
        await write(BusFrame.text(action: "send", requestId: nil) { request.writeMembers(to: &$0, continuing: true) })
    }

    private func write(_ text: String) async {
        try? await outbound.write(.text(text))
    }
}

extension BusFrame {
    /// A required string member.
    func string(_ name: String) throws(BusFault) -> String {
        guard let value = members[name] else { throw .missing(name) }
        guard case .string(let string) = value else { throw .malformed(name, "must be a string, not \(value.kindName)") }
        return string
    }
}
