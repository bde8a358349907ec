import Foundation
import Logging
import MediaflowStore
import ServiceLifecycle

/// Delivers the outbox: callbacks to callers' `asyncEndpoint`s, at least once, each with a stable
/// `Idempotency-Key`, retried with exponential backoff until it becomes a dead letter.
final class OutboxDispatcher: Service, Sendable {
    let store: any JobProcessorStore
    let transport: HTTPTransport
    let signal: WorkSignal
    /// How long a claimed message is this node's before another may deliver it.
    let lease: Duration
    let maxAttempts: Int
    let logger: Logger
    let owner = UUID().uuidString.lowercased()
    let batchSize = 128

    init(
        store: any JobProcessorStore, transport: HTTPTransport, signal: WorkSignal, lease: Duration, maxAttempts: Int,
        logger: Logger
    ) {
        self.store = store
        self.transport = transport
        self.signal = signal
        self.lease = lease
        self.maxAttempts = maxAttempts
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.deliverUntilCancelled() }
    }

    private func deliverUntilCancelled() async {
        while !Task.isCancelled {
            do {
                let now = Date()
                let batch = try await store.claimOutbox(
                    limit: batchSize, lease: Lease(owner: owner, until: now + lease), now: now)
                if batch.isEmpty {
                    await signal.wait(timeout: .seconds(1))
                    continue
                }
                let delivered = await withTaskGroup(of: String?.self) { group in
                    for message in batch { group.addTask { await self.deliver(message) } }
                    return await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
                }
                try await store.markDelivered(ids: delivered)
            } catch {
                logger.error("Outbox round failed: \(error)")
                await signal.wait(timeout: .seconds(1))
            }
        }
    }

    /// Delivers one message; returns its id when delivered, records the failure otherwise.
    private func deliver(_ message: OutboxMessage) async -> String? {
        let failure: String
        do {
            let reply = try await transport.send(
                .POST, message.target, json: message.body,
                headers: [("Idempotency-Key", message.id), ("Mediaflow-Delivery-Attempt", String(message.attempts + 1))])
            if reply.isSuccess { return message.id }
            failure = "\(message.target) answered \(reply.status)"
        } catch {
            failure = "\(error)"
        }
        let attempts = message.attempts + 1
        let dead = attempts >= maxAttempts
        let delay = Duration.seconds(min(300, 1 << min(attempts - 1, 9)))
        if dead { logger.warning("Callback \(message.id) to \(message.target) is a dead letter: \(failure)") }
        do {
            try await store.markFailed(
                id: message.id, attempts: attempts, nextAttemptAt: Date() + delay, error: failure, dead: dead)
        } catch {
            logger.error("Could not record failed delivery of \(message.id): \(error)")
        }
        return nil
    }
}
