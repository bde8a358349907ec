import Foundation
import MediaflowModel
import MediaflowStore
import Synchronization

/// Hands this node's callbacks to its outbox dispatcher as they are written. A job change writes its callback
/// already claimed for the dispatcher (`OutboxMessage.claimedBy`), which then delivers it at once instead of
/// claiming it from the store; if the node dies first, another delivers it once the claim runs out.
final class OutboxHandover: Sendable {
    /// The dispatcher's name on its claims.
    let owner = UniqueID.make()
    /// How long a claim keeps other nodes from delivering a message.
    let lease: Duration
    /// Wakes the dispatcher: a callback was handed over, or one may wait in the store.
    let signal = WorkSignal()
    private let handed = Mutex<[OutboxMessage]>([])
    private let announced = Atomic<Int>(0)

    init(lease: Duration) { self.lease = lease }

    /// The claim a callback written at `now` is written under.
    func claim(now: Date) -> Lease { Lease(owner: owner, until: now + lease) }

    /// Takes a callback committed under `claim(now:)`, for the dispatcher to deliver.
    func take(_ message: OutboxMessage) {
        handed.withLock { $0.append(message) }
        signal.notify()
    }

    /// The callbacks taken since the last call.
    func takeAll() -> [OutboxMessage] {
        handed.withLock { handed in
            defer { handed = [] }
            return handed
        }
    }

    /// Tells the dispatcher that callbacks nobody holds may wait in the store (another node wrote them).
    func announce() {
        announced.add(1, ordering: .relaxed)
        signal.notify()
    }

    /// How many times `announce` was called: the dispatcher claims from the store when this has changed since
    /// the store was last found drained, or when a second has passed (retries come due unannounced; see
    /// `DrainedWork`).
    var announcements: Int { announced.load(ordering: .relaxed) }
}
