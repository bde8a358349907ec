import MediaflowModel
import Synchronization

/// The jobs this process wrote lately, as it wrote them, with their row versions. An update starts from
/// the snapshot instead of reading the row back; the write is made at that version only, so a snapshot
/// made stale by another writer costs a retry, never a lost change. Bounded: it keeps two generations
/// of `capacity / 2` entries and forgets the older one when the newer fills.
public final class JobSnapshots: Sendable {
    /// A job as written at a version. A class: it is passed around and kept far more often than made, and
    /// copying the job's fields each time cost as much as a tenth of all reference counting.
    public final class Snapshot: Sendable {
        public let job: Job
        public let version: Int64
        /// The caller's endpoints, from the job's `StartJob`.
        public let endpoint: AsyncEndpoint?

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

    /// Changes a job optimistically: `decide` picks the transition from the job as this process last wrote
    /// it (or as `read` finds it), and `write` commits it only if the row is still at that version, else
    /// returns nil and the change is decided again from a fresh read. A remembered state may also lag
    /// behind a commit still reporting back, so a decision that changes nothing, or throws, is trusted
    /// only when made from a fresh read. `endpoint` is the caller's endpoints when the change sets them.
    /// `write` gets the remembering to do at the instant it commits, if it can (before anyone hears of it).
    /// - Returns: the transition, and what `write` gave back (nil when the transition changed nothing).
    public func update<Writing, Written>(
        id: String, endpoint newEndpoint: AsyncEndpoint? = nil,
        read: () async throws -> Snapshot?,
        decide: (Snapshot) throws -> (JobTransition, Writing),
        write: (Snapshot, JobTransition, Writing, _ committed: @escaping @Sendable () -> Void) async throws -> Written?
    ) async throws -> (transition: JobTransition, written: Written?) {
        for _ in 0..<20 {
            let remembered = snapshot(id: id)
            var current = remembered
            if current == nil { current = try await read() }
            guard let current else { throw StoreError.notFound("No job \(id)") }
            let transition: JobTransition, writing: Writing
            do {
                (transition, writing) = try decide(current)
            } catch where remembered != nil {
                forget(id: id)
                continue
            }
            if !transition.changed {
                guard remembered != nil else { return (transition, nil) }
                forget(id: id)
                continue
            }
            let next = Snapshot(job: transition.job, version: current.version + 1, endpoint: newEndpoint ?? current.endpoint)
            if let written = try await write(current, transition, writing, { self.remember(next, id: id) }) {
                remember(next, id: id)
                return (transition, written)
            }
            forget(id: id)
        }
        throw StoreError.unavailable("Job \(id) kept changing while being updated; try again")
    }

    /// Remembers a state just committed, unless a later version of the job is known already (writes
    /// that commit together may report back in any order) or the job was deleted.
    /// The generation it forgets is freed after the lock is let go: freeing thousands of jobs took
    /// milliseconds, and every request that needed a snapshot waited on it.
    public func remember(_ snapshot: Snapshot, id: String) {
        let retired = generations.withLock { generations -> [String: Snapshot?]? in
            switch generations.entry(id) {
            case .some(.some(let known)) where known.version >= snapshot.version: return nil
            case .some(.none): return nil
            default: break
            }
            var retired: [String: Snapshot?]?
            if generations.current.count >= capacity / 2 {
                retired = generations.previous
                generations.previous = generations.current
                generations.current = Dictionary(minimumCapacity: capacity / 2)
            }
            generations.current[id] = snapshot
            return retired
        }
        withExtendedLifetime(retired) {}
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
        let forgotten = generations.withLock { generations in
            let forgotten = generations
            generations = Generations()
            return forgotten
        }
        withExtendedLifetime(forgotten) {}
    }
}
