import MediaflowModel
import Synchronization

/// The jobs this process wrote lately, as it wrote them, with their row versions. An update starts from
/// the snapshot instead of reading the row back; the write is made at that version only, so a snapshot
/// made stale by another writer costs a retry, never a lost change. Bounded: it keeps two generations
/// of `capacity / 2` entries and forgets the older one when the newer fills.
public final class JobSnapshots: Sendable {
    public struct Snapshot: Sendable {
        public var job: Job
        public var version: Int64
        /// The caller's endpoints, from the job's `StartJob`.
        public var endpoint: AsyncEndpoint?

        public init(job: Job, version: Int64, endpoint: AsyncEndpoint?) {
            self.job = job
            self.version = version
            self.endpoint = endpoint
        }
    }

    private struct Generations {
        var current: [String: Snapshot?] = [:]
        var previous: [String: Snapshot?] = [:]

        func entry(_ id: String) -> Snapshot?? { current[id] ?? previous[id] }
    }

    private let generations = Mutex(Generations())
    private let capacity: Int

    public init(capacity: Int = 16_384) { self.capacity = capacity }

    /// The last state this process wrote for the job, if it still remembers it.
    public func snapshot(id: String) -> Snapshot? {
        generations.withLock { $0.entry(id) ?? nil }
    }

    /// The last state this process wrote for the job, or else what `read` finds.
    public func snapshot(id: String, orRead read: () async throws -> Snapshot?) async rethrows -> Snapshot? {
        if let snapshot = snapshot(id: id) { return snapshot }
        return try await read()
    }

    /// Remembers a state just committed, unless a later version of the job is known already (writes
    /// that commit together may report back in any order) or the job was deleted.
    public func remember(_ snapshot: Snapshot, id: String) {
        generations.withLock { generations in
            switch generations.entry(id) {
            case .some(.some(let known)) where known.version >= snapshot.version: return
            case .some(.none): return
            default: break
            }
            if generations.current.count >= capacity / 2 {
                generations.previous = generations.current
                generations.current = [:]
            }
            generations.current[id] = snapshot
        }
    }

    /// Forgets a job whose snapshot proved stale.
    public func forget(id: String) {
        generations.withLock { generations in
            generations.current[id] = nil
            generations.previous[id] = nil
        }
    }

    /// Marks a job deleted, so that a write of it still reporting back is not remembered.
    public func deleted(id: String) {
        generations.withLock { generations in
            generations.previous[id] = nil
            generations.current[id] = .some(nil)
        }
    }

    /// Forgets everything, e.g. after jobs were deleted in bulk.
    public func clear() {
        generations.withLock { $0 = Generations() }
    }
}
