import Foundation
import Logging
import MediaflowModel
import Synchronization

/// The service bus: routes request envelopes to the live instances of the addressed service,
/// round-robin, and writes who is calling into the context — whatever the caller put in `sender`
/// is replaced.
final class BusGateway: Sendable {
    /// The gateway's own identity, written as `sender.access.gateway` and used as the origin of the
    /// errors it raises itself.
    let identity: BusIdentity
    let channels = BusChannels()
    private let logger: Logger
    private let services = Mutex<[BusAddress: Registration]>([:])

    private struct Registration {
        var description: BusServiceDescription
        var instances: [any BusInstance] = []
        var cursor = 0
    }

    init(identity: BusIdentity, logger: Logger) {
        self.identity = identity
        self.logger = logger
    }

    // MARK: Registration

    /// Adds an instance of a service; a registration with other ops replaces the description.
    func register(_ description: BusServiceDescription, instance: any BusInstance) {
        services.withLock { services in
            var registration = services[description.address] ?? Registration(description: description)
            registration.description = description
            registration.instances.removeAll { $0.instanceID == instance.instanceID }
            registration.instances.append(instance)
            services[description.address] = registration
        }
        logger.info("Bus service registered", metadata: ["service": "\(description.address)", "instance": "\(instance.instanceID)"])
    }

    /// Removes an instance from every service it serves; it receives no further work.
    func unregister(instanceID: String) {
        services.withLock { services in
            for address in services.keys {
                services[address]!.instances.removeAll { $0.instanceID == instanceID }
            }
        }
    }

    /// The registered services with their live instance counts.
    func directory() -> [(description: BusServiceDescription, instances: Int)] {
        services.withLock { services in
            services.values.map { ($0.description, $0.instances.count) }
        }
        .sorted { ($0.description.address.type, $0.description.address.realm, $0.description.address.version) < ($1.description.address.type, $1.description.address.realm, $1.description.address.version) }
    }

    // MARK: Calls

    /// Calls an op and waits for its answer, at most `timeout`; every failure is an `errorSet` entry.
    func call(_ request: BusRequest, caller: String, timeout: Duration) async -> BusResponse {
        var request = request
        let transaction = stampTransaction(&request)
        let instance: any BusInstance
        do {
            instance = try pick(request)
        } catch {
            return failure(request, error, origin: identity.address, transaction: transaction)
        }
        stampSender(&request, caller: caller, service: instance.identity)
        do {
            let reply = try await instance.invoke(request, timeout: timeout)
            var context = reply.context
            context["sender"] = request.context["sender"]
            context["transaction"] = request.context["transaction"]
            for error in reply.errorSet {
                logger.warning(
                    "Bus service answered an error",
                    metadata: ["transaction": "\(transaction)", "incident": "\(error.incident)", "code": "\(error.code)"])
            }
            return BusResponse(
                address: request.address, op: request.op, resultSet: reply.resultSet, context: context,
                errorSet: reply.errorSet)
        } catch {
            return failure(request, error, origin: request.address, transaction: transaction)
        }
    }

    /// Hands a request to one instance without waiting; refused only when it cannot be routed.
    func send(_ request: BusRequest, caller: String) throws(BusFault) -> String {
        var request = request
        let transaction = stampTransaction(&request)
        let instance = try pick(request)
        stampSender(&request, caller: caller, service: instance.identity)
        let message = request
        Task { await instance.deliver(message) }
        return transaction
    }

    /// The error response for a request that could not be routed, logged with its incident.
    func failure(_ request: BusRequest, _ fault: BusFault, origin: BusAddress, transaction: String? = nil) -> BusResponse {
        let error = BusError(fault, origin: origin)
        logger.error(
            "Bus call failed: \(fault.details)",
            metadata: [
                "transaction": "\(transaction ?? request.transactionID ?? "none")", "incident": "\(error.incident)",
                "code": "\(fault.code)", "service": "\(request.address)", "op": "\(request.op)",
            ])
        return BusResponse(failing: request, with: [error])
    }

    /// The `errorSet` entry for an envelope that could not be read at all.
    func reject(_ fault: BusFault) -> BusError {
        let error = BusError(fault, origin: identity.address)
        logger.notice("Bus message refused: \(fault.details)", metadata: ["incident": "\(error.incident)", "code": "\(fault.code)"])
        return error
    }

    private func pick(_ request: BusRequest) throws(BusFault) -> any BusInstance {
        let picked: Result<any BusInstance, BusFault> = services.withLock { services in
            guard var registration = services[request.address] else { return .failure(.unknownService(request.address)) }
            guard registration.description.op(named: request.op) != nil else {
                return .failure(.unknownOp(request.op, request.address))
            }
            guard !registration.instances.isEmpty else {
                return .failure(.unreachable("No instance of \(request.address) is connected"))
            }
            let instance = registration.instances[registration.cursor % registration.instances.count]
            registration.cursor &+= 1
            services[request.address] = registration
            return .success(instance)
        }
        return try picked.get()
    }

    /// Keeps a transaction the caller is continuing (`context.transaction.id`), or starts one.
    private func stampTransaction(_ request: inout BusRequest) -> String {
        if case .object(let transaction)? = request.context["transaction"], let id = transaction["id"]?.stringValue,
            UUID(uuidString: id) != nil
        {
            request.context["transaction"] = ["id": .string(id), "origin": transaction["origin"] ?? "client"]
            return id
        }
        let id = UniqueID.make()
        request.context["transaction"] = ["id": .string(id), "origin": "gateway"]
        return id
    }

    private func stampSender(_ request: inout BusRequest, caller: String, service: JSONValue) {
        request.context["sender"] = ["access": ["id": .string(caller), "gateway": identity.json, "service": service]]
    }
}

extension BusRequest {
    /// The transaction id in the context, once the gateway has set it.
    var transactionID: String? { context["transaction"]?["id"]?.stringValue }
}

/// Who the gateway is, as the `sender` context shows it.
struct BusIdentity: Sendable {
    /// The address errors raised by the gateway itself carry as origin.
    let address = BusAddress(type: "mediaflow.bus", realm: "global", version: 1)
    /// Worked out once: the host name can take a resolver call.
    let json: JSONValue = [
        "id": .string(UniqueID.make()), "bal": "mediaflow swift",
        "host": .string(ProcessInfo.processInfo.hostName),
        "pid": .number(Double(ProcessInfo.processInfo.processIdentifier)), "platformId": "mediaflow",
        "buildNumber": "0.1.0", "environmentId": "default",
    ]
}

extension BusGateway {
    /// Publishes on a channel with a context naming the publisher and a new transaction.
    func publish(_ message: JSONValue, on channel: String, caller: String) async -> Int {
        let context: JSONValue = [
            "sender": ["access": ["id": .string(caller), "gateway": identity.json]],
            "transaction": ["id": .string(UniqueID.make()), "origin": "gateway"],
        ]
        return await channels.publish(message, on: channel, context: context)
    }
}
