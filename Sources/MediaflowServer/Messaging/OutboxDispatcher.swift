import Foundation
import Logging
import MediaflowModel
import MediaflowStore
import ServiceLifecycle
import Synchronization

/// Delivers the outbox: callbacks to callers' `asyncEndpoint`s, at least once, each with a stable
/// `Idempotency-Key` (and signed, given a `CallbackSigner`), retried with exponential backoff until it
/// becomes a dead letter.
final class OutboxDispatcher: Service, Sendable {
    let store: any JobProcessorStore
    let transport: HTTPTransport
    /// The callbacks this node's job changes wrote, claimed for it, and the claims it makes.
    let handover: OutboxHandover
    let maxAttempts: Int
    let signer: CallbackSigner?
    let logger: Logger
    let batchSize = 128
    let maxInFlight = 512
    /// How long a delivery may wait to be recorded, so that many are recorded at once. One not yet recorded
    /// when the node dies is delivered again, with the same `Idempotency-Key`.
    let recordingDelay = Duration.milliseconds(20)
    /// Deliveries under way, and messages delivered but not yet recorded so, since when the first waits.
    private let progress = Mutex<(inFlight: Int, delivered: [String], since: ContinuousClock.Instant)>((0, [], .now))

    init(
        store: any JobProcessorStore, transport: HTTPTransport, handover: OutboxHandover, maxAttempts: Int,
        signer: CallbackSigner?, logger: Logger
    ) {
        self.store = store
        self.transport = transport
        self.handover = handover
        self.maxAttempts = maxAttempts
        self.signer = signer
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.deliverUntilCancelled() }
    }

    /// Delivers the messages handed over and, while fewer than `maxInFlight` deliveries are under way, those
    /// it claims from the store when some may wait there (see `OutboxHandover.announcements`); marks the
    /// delivered ones in batches. Deliveries run side by side and each ends on its own, so a caller that is
    /// slow or down holds up only its own callbacks.
    private func deliverUntilCancelled() async {
        var drained = DrainedWork<String>()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let (marked, nextMarking) = await markDelivered()
                var batch = handover.takeAll()
                let room = maxInFlight - progress.withLock { $0.inFlight } - batch.count
                let callbacks: Set = ["callbacks"]
                var failed = false
                if room > 0, !drained.claimable(callbacks, announced: handover.announcements).isEmpty {
                    do {
                        let now = Date()
                        let limit = min(room, batchSize)
                        let claimed = try await store.claimOutbox(limit: limit, lease: handover.claim(now: now), now: now)
                        if claimed.count < limit { drained.found(noMoreOf: callbacks) }
                        batch += claimed
                    } catch {
                        logger.error("Could not claim callbacks from the outbox: \(error)")
                        failed = true
                    }
                }
                progress.withLock { $0.inFlight += batch.count }
                for message in batch {
                    group.addTask {
                        let delivered = await self.deliver(message)
                        self.progress.withLock { progress in
                            progress.inFlight -= 1
                            if delivered {
                                if progress.delivered.isEmpty { progress.since = .now }
                                progress.delivered.append(message.id)
                            }
                        }
                        self.handover.signal.notify()
                    }
                }
                if failed || (batch.isEmpty && !marked) {
                    await handover.signal.wait(timeout: min(nextMarking ?? .seconds(1), .seconds(1)))
                }
            }
        }
        _ = await markDelivered(all: true)
    }

    /// Records the deliveries made since the last call, once `batchSize` of them wait or the first has waited
    /// `recordingDelay` (at once with `all`); answers whether it recorded any, and when more are to be recorded.
    /// Ids that could not be recorded are kept for a later call (false: the loop waits before trying again).
    private func markDelivered(all: Bool = false) async -> (marked: Bool, nextIn: Duration?) {
        let (ids, nextIn) = progress.withLock { progress -> ([String], Duration?) in
            guard !progress.delivered.isEmpty else { return ([], nil) }
            let waited = ContinuousClock.now - progress.since
            guard all || progress.delivered.count >= batchSize || waited >= recordingDelay else {
                return ([], recordingDelay - waited)
            }
            defer { progress.delivered = [] }
            return (progress.delivered, nil)
        }
        guard !ids.isEmpty else { return (false, nextIn) }
        do {
            try await store.markDelivered(ids: ids)
        } catch {
            logger.error("Could not record \(ids.count) delivered callbacks: \(error)")
            progress.withLock { $0.delivered += ids }
            return (false, nil)
        }
        return (true, nil)
    }

    /// Delivers one message; returns whether it was delivered, recording the failure when not.
    private func deliver(_ message: OutboxMessage) async -> Bool {
        let failure: String
        do {
            var headers = [("Idempotency-Key", message.id), ("Mediaflow-Delivery-Attempt", String(message.attempts + 1))]
            if let signer { headers += signer.headers(id: message.id, body: message.body, at: Date()) }
            let reply = try await transport.send(.POST, message.target, json: message.body, headers: headers)
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
