import Foundation
import Logging
import MediaflowModel
import MediaflowStore
import ServiceLifecycle
import Synchronization

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
    let owner = UniqueID.make()
    let batchSize = 128
    let maxInFlight = 512
    /// Deliveries under way, and messages delivered but not yet marked so.
    private let progress = Mutex<(inFlight: Int, delivered: [String])>((0, []))

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

    /// Claims messages while fewer than `maxInFlight` deliveries are under way and marks the delivered ones
    /// in batches. Deliveries run side by side and each ends on its own, so a caller that is slow or down
    /// holds up only its own callbacks.
    private func deliverUntilCancelled() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let marked = await markDelivered()
                do {
                    let room = maxInFlight - progress.withLock { $0.inFlight }
                    let now = Date()
                    let batch = room <= 0 ? [] : try await store.claimOutbox(
                        limit: min(room, batchSize), lease: Lease(owner: owner, until: now + lease), now: now)
                    progress.withLock { $0.inFlight += batch.count }
                    for message in batch {
                        group.addTask {
                            let delivered = await self.deliver(message)
                            self.progress.withLock { progress in
                                progress.inFlight -= 1
                                if delivered { progress.delivered.append(message.id) }
                            }
                            self.signal.notify()
                        }
                    }
                    if batch.isEmpty && !marked { await signal.wait(timeout: .seconds(1)) }
                } catch {
                    logger.error("Outbox round failed: \(error)")
                    await signal.wait(timeout: .seconds(1))
                }
            }
        }
        _ = await markDelivered()
    }

    /// Records the deliveries made since the last call; false when there were none. Ids that could not be
    /// recorded are kept for the next call.
    private func markDelivered() async -> Bool {
        let ids = progress.withLock { progress in
            defer { progress.delivered = [] }
            return progress.delivered
        }
        guard !ids.isEmpty else { return false }
        do {
            try await store.markDelivered(ids: ids)
        } catch {
            logger.error("Could not record \(ids.count) delivered callbacks: \(error)")
            progress.withLock { $0.delivered += ids }
        }
        return true
    }

    /// Delivers one message; returns whether it was delivered, recording the failure when not.
    private func deliver(_ message: OutboxMessage) async -> Bool {
        let failure: String
        do {
            let reply = try await transport.send(
                .POST, message.target, json: message.body,
                headers: [("Idempotency-Key", message.id), ("Mediaflow-Delivery-Attempt", String(message.attempts + 1))])
            if reply.isSuccess { return true }
            failure = "\(message.target) answered \(reply.status)"
        } catch {
            // Cut short by shutdown: not an attempt that failed; the message is delivered after its lease.
            if Task.isCancelled { return false }
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
        return false
    }
}
