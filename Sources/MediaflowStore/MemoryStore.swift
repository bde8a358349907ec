import Foundation
import MediaflowModel
import Synchronization

/// A store kept in memory: for unit tests of the layers above the store, and as the reference
/// behaviour the conformance suite checks every driver against.
public final class MemoryStore: JobStore {
    struct QueueRow {
        var entry: DispatchEntry
        var seq: Int
        var lease: Lease?
        var dispatched = false
        var notBefore: Date
        var deadline: Date?
    }
    struct State {
        var jobs: [String: (seq: Int, job: Job, version: Int64)] = [:]
        var startJobs: [String: StartJob] = [:]
        var queue: [String: QueueRow] = [:]
        var outbox: [(seq: Int, message: OutboxMessage, lease: Lease?)] = []
        var services: [String: MediaService] = [:]
        var profiles: [String: JobProfile] = [:]
        var seq = 0

        mutating func nextSeq() -> Int {
            seq += 1
            return seq
        }
    }
    private let state = Mutex(State())
    /// State machines, executions and tasks (`MemoryStore+Workflows.swift`).
    let workflows = Mutex(WorkflowState())

    public init() {}

    // MARK: Repository

    public func insertJob(_ job: Job) async throws {
        let id = try Self.id(of: job)
        try state.withLock { state in
            guard state.jobs[id] == nil else { throw StoreError.conflict("Job \(id) exists already") }
            state.jobs[id] = (state.nextSeq(), job, 0)
        }
    }

    public func versionedJob(id: String) async throws -> VersionedJob? {
        state.withLock { $0.jobs[id].map { VersionedJob(job: $0.job, version: $0.version) } }
    }

    public func replaceJob(_ job: Job, ifVersion version: Int64?) async throws -> Int64 {
        let id = try Self.id(of: job)
        return try state.withLock { state in
            guard let row = state.jobs[id] else { throw StoreError.notFound("No job \(id)") }
            if let version, version != row.version { throw StoreError.outdated(id: id, version: version, current: row.version) }
            state.jobs[id] = (row.seq, job, row.version + 1)
            return row.version + 1
        }
    }

    public func deleteJob(id: String) async throws {
        try state.withLock { state in
            guard let row = state.jobs[id] else { throw StoreError.notFound("No job \(id)") }
            guard row.job.status.isFinal else {
                throw StoreError.conflict("Job \(id) is \(row.job.status.rawValue); only a finished job can be deleted")
            }
            state.jobs[id] = nil
        }
    }

    public func jobs(matching query: JobQuery) async throws -> JobPage {
        let before = query.cursor.flatMap(Int.init) ?? Int.max
        let rows = state.withLock { state in
            state.jobs.values.filter { $0.seq < before && query.matches($0.job) }.sorted { $0.seq > $1.seq }
        }
        let page = rows.prefix(query.limit)
        let next = rows.count > query.limit ? page.last.map { String($0.seq) } : nil
        return JobPage(jobs: page.map(\.job), nextCursor: next)
    }

    public func purge(createdBefore cutoff: Date) async throws -> Int {
        state.withLock { state in
            let doomed = state.jobs.filter { $0.value.job.status.isFinal && ($0.value.job.dateCreated ?? cutoff) < cutoff }
            for (id, _) in doomed { state.jobs[id] = nil }
            let jobURLs = Set(doomed.values.compactMap(\.job.id))
            state.startJobs = state.startJobs.filter { !jobURLs.contains($0.value.job) }
            state.outbox.removeAll { $0.message.state == .delivered && $0.message.createdAt < cutoff }
            return doomed.count
        }
    }

    public func insertStartJob(_ startJob: StartJob) async throws {
        let id = try StoreCoding.id(of: startJob.id, in: "StartJob")
        state.withLock { $0.startJobs[id] = startJob }
    }

    public func startJob(id: String) async throws -> StartJob? { state.withLock { $0.startJobs[id] } }

    public func deleteStartJob(id: String) async throws {
        try state.withLock { state in
            guard let record = state.startJobs[id] else { throw StoreError.notFound("No StartJob \(id)") }
            let jobID = ResourceLink.id(in: record.job, collection: "Job")
            if let jobID, state.jobs[jobID]?.job.startJobID == id {
                throw StoreError.startedBy(startJob: id)
            }
            state.startJobs[id] = nil
        }
    }

    // MARK: Processor

    public func gauges() async throws -> StoreGauges {
        state.withLock { state in
            var gauges = StoreGauges()
            for (_, job, _) in state.jobs.values where !job.status.isFinal { gauges.unfinishedJobs[job.status, default: 0] += 1 }
            for row in state.queue.values {
                if row.lease == nil { gauges.waitingJobs[row.entry.profile, default: 0] += 1 } else { gauges.heldJobs += 1 }
            }
            for (_, message, _) in state.outbox where message.state != .delivered {
                gauges.undeliveredCallbacks[message.state, default: 0] += 1
            }
            return gauges
        }
    }

    public func queueJob(id: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> Job {
        let startID = try StoreCoding.id(of: startJob.id, in: "StartJob")
        return try state.withLock { state in
            guard let row = state.jobs[id] else { throw StoreError.notFound("No job \(id)") }
            let transition = try JobLifecycle.apply(
                .queued(startJob: startJob.id ?? "", priority: entry.priority), to: row.job, endpoint: nil, now: now)
            state.startJobs[startID] = startJob
            state.jobs[id] = (row.seq, transition.job, row.version + 1)
            Self.enqueue(entry, in: &state)
            return transition.job
        }
    }

    public func applyEvent(_ event: JobEvent, toJob id: String, lease: Lease?, callbackClaim: Lease?, now: Date) async throws
        -> (transition: JobTransition, callback: OutboxMessage?)
    {
        try state.withLock { state in
            guard let row = state.jobs[id] else { throw StoreError.notFound("No job \(id)") }
            let endpoint = row.job.startJobID.flatMap { state.startJobs[$0]?.asyncEndpoint }
            let transition = try JobLifecycle.apply(event, to: row.job, endpoint: endpoint, now: now)
            guard transition.changed else { return (transition, nil) }
            state.jobs[id] = (row.seq, transition.job, row.version + 1)
            let callback = try transition.notification(now: now, claimedBy: callbackClaim)
            Self.settle(transition, jobID: id, lease: lease, notification: callback, in: &state)
            return (transition, callback)
        }
    }

    public func enqueue(_ entry: DispatchEntry) async throws {
        state.withLock { Self.enqueue(entry, in: &$0) }
    }

    public func claimDispatch(profiles: Set<String>, limit: Int, lease: Lease, now: Date) async throws -> [DispatchEntry] {
        state.withLock { state in
            let due = state.queue.values.filter {
                $0.lease == nil && profiles.contains($0.entry.profile) && $0.notBefore <= now
            }
            let picked = due.sorted {
                ($0.entry.priority.rank, -$0.seq) > ($1.entry.priority.rank, -$1.seq)
            }.prefix(limit)
            return picked.map { row in
                state.queue[row.entry.jobID]?.lease = lease
                state.queue[row.entry.jobID]?.entry.attempts += 1
                return state.queue[row.entry.jobID]!.entry
            }
        }
    }

    public func releaseDispatch(jobID: String, notBefore: Date) async throws {
        state.withLock { state in
            state.queue[jobID]?.lease = nil
            state.queue[jobID]?.dispatched = false
            state.queue[jobID]?.notBefore = notBefore
        }
    }

    public func expiredDispatches(now: Date, limit: Int) async throws -> [(entry: DispatchEntry, wasDispatched: Bool)] {
        state.withLock { state in
            state.queue.values.filter { ($0.lease?.until ?? .distantFuture) < now }.prefix(limit)
                .map { ($0.entry, $0.dispatched) }
        }
    }

    public func overdueDispatches(now: Date, limit: Int) async throws -> [DispatchEntry] {
        state.withLock { state in
            state.queue.values.compactMap { row in row.deadline.flatMap { $0 <= now ? (row.entry, $0) : nil } }
                .sorted { $0.1 < $1.1 }.prefix(limit).map(\.0)
        }
    }

    public func earliestDeadline() async throws -> Date? {
        state.withLock { state in state.queue.values.compactMap(\.deadline).min() }
    }

    public func dropDispatch(jobID: String) async throws {
        state.withLock { _ = $0.queue.removeValue(forKey: jobID) }
    }

    public func releaseAllLeases() async throws {
        state.withLock { state in
            for key in state.queue.keys where state.queue[key]?.lease != nil {
                state.queue[key]?.lease = Lease(owner: "", until: .distantPast)
            }
            for index in state.outbox.indices { state.outbox[index].lease = nil }
        }
    }

    public func settle(_ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?) async throws {
        state.withLock { Self.settle(transition, jobID: jobID, lease: lease, notification: notification, in: &$0) }
    }

    public func claimOutbox(limit: Int, lease: Lease, now: Date) async throws -> [OutboxMessage] {
        state.withLock { state in
            var claimed: [OutboxMessage] = []
            for index in state.outbox.indices where claimed.count < limit {
                let row = state.outbox[index]
                guard row.message.state == .pending, row.message.nextAttemptAt <= now,
                    (row.lease?.until ?? .distantPast) < now
                else { continue }
                state.outbox[index].lease = lease
                claimed.append(row.message)
            }
            return claimed
        }
    }

    public func markDelivered(ids: [String]) async throws {
        let set = Set(ids)
        state.withLock { state in
            for index in state.outbox.indices where set.contains(state.outbox[index].message.id) {
                state.outbox[index].message.state = .delivered
                state.outbox[index].lease = nil
            }
        }
    }

    public func markFailed(id: String, attempts: Int, nextAttemptAt: Date, error: String, dead: Bool) async throws {
        state.withLock { state in
            for index in state.outbox.indices where state.outbox[index].message.id == id {
                state.outbox[index].message.attempts = attempts
                state.outbox[index].message.nextAttemptAt = nextAttemptAt
                state.outbox[index].message.lastError = error
                state.outbox[index].message.state = dead ? .dead : .pending
                state.outbox[index].lease = nil
            }
        }
    }

    public func outboxMessages(state wanted: OutboxState, after: String?, limit: Int) async throws -> [OutboxMessage] {
        state.withLock { state in
            var rows = state.outbox[...]
            if let after {
                guard let index = rows.firstIndex(where: { $0.message.id == after }) else { return [] }
                rows = rows[(index + 1)...]
            }
            return Array(rows.filter { $0.message.state == wanted }.prefix(limit).map(\.message))
        }
    }

    public func outboxMessage(id: String) async throws -> OutboxMessage? {
        state.withLock { state in state.outbox.first { $0.message.id == id }?.message }
    }

    public func redeliver(id: String, now: Date) async throws -> OutboxMessage? {
        try state.withLock { state in
            guard let index = state.outbox.firstIndex(where: { $0.message.id == id }) else { return nil }
            let message = state.outbox[index].message
            guard message.state == .dead else { throw StoreError.notDead(callback: id, state: message.state) }
            state.outbox[index].message.state = .pending
            state.outbox[index].message.attempts = 0
            state.outbox[index].message.nextAttemptAt = now
            state.outbox[index].lease = nil
            return state.outbox[index].message
        }
    }

    // MARK: Registry

    public func upsertService(_ service: MediaService) async throws {
        let id = try StoreCoding.id(of: service.id, in: "Service")
        state.withLock { $0.services[id] = service }
    }

    public func services() async throws -> [MediaService] {
        state.withLock { $0.services.values.sorted { $0.label < $1.label } }
    }

    public func deleteService(id: String) async throws {
        try state.withLock { state in
            guard state.services.removeValue(forKey: id) != nil else { throw StoreError.notFound("No service \(id)") }
        }
    }

    public func upsertProfile(_ profile: JobProfile) async throws {
        state.withLock { $0.profiles[profile.label] = profile }
    }

    public func profiles() async throws -> [JobProfile] {
        state.withLock { $0.profiles.values.sorted { $0.label < $1.label } }
    }

    public func deleteProfile(label: String) async throws {
        try state.withLock { state in
            guard state.profiles.removeValue(forKey: label) != nil else {
                throw StoreError.notFound("No job profile \(label)")
            }
        }
    }

    // MARK: Helpers

    private static func enqueue(_ entry: DispatchEntry, in state: inout State) {
        guard state.queue[entry.jobID] == nil else { return }
        var waiting = entry
        waiting.claimedBy = nil
        waiting.notBefore = nil
        waiting.deadline = nil
        state.queue[entry.jobID] = QueueRow(
            entry: waiting, seq: state.nextSeq(), lease: entry.claimedBy, notBefore: entry.notBefore ?? .distantPast,
            deadline: entry.deadline)
    }

    private static func settle(
        _ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?, in state: inout State
    ) {
        switch QueueChange(transition, lease: lease) {
        case .leave:
            state.queue[jobID] = nil
        case .requeue where state.queue[jobID] != nil:
            state.queue[jobID]?.lease = nil
            state.queue[jobID]?.dispatched = false
        case .hold(let lease) where state.queue[jobID] != nil:
            state.queue[jobID]?.lease = lease
            state.queue[jobID]?.dispatched = true
        default:
            break
        }
        if let notification { state.outbox.append((state.nextSeq(), notification, notification.claimedBy)) }
    }

    private static func id(of job: Job) throws -> String { try StoreCoding.id(of: job.id, in: "Job") }
}
