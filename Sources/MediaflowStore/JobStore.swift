import Foundation
import MediaflowModel

/// The job repository's records: jobs and the `StartJob`s that started them.
public protocol JobRepositoryStore: Sendable {
    /// Stores a new job; its `id` must be set.
    func insertJob(_ job: Job) async throws
    /// The job with this id and its version, or nil.
    func versionedJob(id: String) async throws -> VersionedJob?
    /// The job as this process last wrote it, or else as stored. It may lag behind another node's change:
    /// only for a decision that is checked again when written, or for what a started job keeps.
    func recentJob(id: String) async throws -> Job?
    /// Replaces a stored job (the repository's `PUT /Job/{id}`), only if it is still at `version` when one is
    /// given; returns the job's new version.
    /// - Throws: `StoreError.notFound` when there is no such job, `StoreError.outdated` when it has changed.
    @discardableResult
    func replaceJob(_ job: Job, ifVersion version: Int64?) async throws -> Int64
    /// Deletes a job in a final status.
    /// - Throws: `StoreError.notFound`, or `StoreError.conflict` when the job has not ended.
    func deleteJob(id: String) async throws
    /// A page of jobs matching `query`, newest first.
    func jobs(matching query: JobQuery) async throws -> JobPage
    /// Deletes finished jobs created before `cutoff`, their `StartJob` records and delivered callbacks as
    /// old; returns how many jobs went.
    func purge(createdBefore cutoff: Date) async throws -> Int
    /// Stores a `StartJob` record; its `id` must be set.
    func insertStartJob(_ startJob: StartJob) async throws
    /// The `StartJob` record with this id, or nil.
    func startJob(id: String) async throws -> StartJob?
    /// Deletes a `StartJob` record its job does not link to: one a processor recorded, then lost the race to
    /// start the job with.
    /// - Throws: `StoreError.notFound`, or `StoreError.conflict` when the job was started by it.
    func deleteStartJob(id: String) async throws
}

extension Job {
    /// The id of the `StartJob` record this job links to, if it links to one.
    public var startJobID: String? { startJob.flatMap { ResourceLink.id(in: $0, collection: "StartJob") } }
}

/// The job processor's durable state: its dispatch queue and its outbox.
public protocol JobProcessorStore: Sendable {
    /// Puts a started job in the dispatch queue (a no-op when it is there already), waiting for any
    /// dispatcher or claimed already by the one in `claimedBy`.
    func enqueue(_ entry: DispatchEntry) async throws
    /// Claims up to `limit` waiting entries whose profile is in `profiles`, highest priority and oldest first.
    func claimDispatch(profiles: Set<String>, limit: Int, lease: Lease, now: Date) async throws -> [DispatchEntry]
    /// Puts a claimed entry back to wait, e.g. after the service refused it.
    func releaseDispatch(jobID: String, notBefore: Date) async throws
    /// Entries whose lease ran out before `now`, and whether a service had taken them.
    func expiredDispatches(now: Date, limit: Int) async throws -> [(entry: DispatchEntry, wasDispatched: Bool)]
    /// Up to `limit` entries whose job has not ended by its deadline (see `DispatchEntry.deadline`).
    func overdueDispatches(now: Date, limit: Int) async throws -> [DispatchEntry]
    /// The earliest deadline of any entry in the queue, or nil when none has one: when to look for
    /// overdue entries next.
    func earliestDeadline() async throws -> Date?
    /// Takes a job's entry out of the queue without a change to the job: for an entry that is not to be
    /// dispatched, as the job was started or ended by another processor, or is gone.
    func dropDispatch(jobID: String) async throws
    /// Gives up every lease at once: for an embedded store at start-up, when no other process can hold any.
    func releaseAllLeases() async throws

    /// Records what a transition means for the queue and the outbox, in one transaction: a job that ended
    /// leaves the queue, one queued again waits anew, and one a service holds gets `lease`.
    func settle(_ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?) async throws

    /// Claims up to `limit` pending outbox messages due by `now`.
    func claimOutbox(limit: Int, lease: Lease, now: Date) async throws -> [OutboxMessage]
    /// Marks messages delivered.
    func markDelivered(ids: [String]) async throws
    /// Records a failed delivery: when to try again, or that the message is dead.
    func markFailed(id: String, attempts: Int, nextAttemptAt: Date, error: String, dead: Bool) async throws
    /// Outbox messages in a state, oldest first, from the one after the message with id `after` (none when
    /// there is no such message): dead letters for operators, pending ones for tests.
    func outboxMessages(state: OutboxState, after: String?, limit: Int) async throws -> [OutboxMessage]
    /// The outbox message with this id, or nil.
    func outboxMessage(id: String) async throws -> OutboxMessage?
    /// Gives a dead letter another round of delivery attempts: pending, due at `now`, its attempts counted
    /// afresh (its last error kept). Answers it as it is now, or nil when there is no message with this id.
    /// - Throws: `StoreError.conflict` when the message is not dead.
    func redeliver(id: String, now: Date) async throws -> OutboxMessage?
}

/// One store holding both roles' records, so that their changes commit together.
public protocol JobStore: JobRepositoryStore, JobProcessorStore, RegistryStore {
    /// Records a `StartJob` and queues its job for dispatch, in one transaction. Other processes sharing the
    /// store are woken for it (`WorkAnnouncer`) unless the caller's own dispatcher claimed it
    /// (`DispatchEntry.claimedBy`).
    /// - Throws: `StoreError.notFound` or a `JobLifecycleError` when the job is not `NEW`.
    func queueJob(id: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> Job

    /// The work not yet done and the callbacks not yet delivered, counted now.
    func gauges() async throws -> StoreGauges

    /// Applies an event to a job and settles the queue and outbox, in one transaction.
    /// - Parameters:
    ///   - lease: the lease to renew on the job's dispatch entry, if any.
    ///   - callbackClaim: the claim the callback this change writes is written under (`OutboxMessage.claimedBy`),
    ///     when the caller delivers it itself.
    /// - Returns: the transition, and the callback written with it.
    func applyEvent(_ event: JobEvent, toJob id: String, lease: Lease?, callbackClaim: Lease?, now: Date) async throws
        -> (transition: JobTransition, callback: OutboxMessage?)
}

extension JobStore {
    /// Applies an event to a job and settles the queue and outbox, in one transaction; its callback, if any,
    /// waits for any outbox dispatcher.
    public func applyEvent(_ event: JobEvent, toJob id: String, lease: Lease?, now: Date) async throws -> JobTransition {
        try await applyEvent(event, toJob: id, lease: lease, callbackClaim: nil, now: now).transition
    }
}

/// A store shared by several processes that can tell each of them when another added work.
public protocol WorkAnnouncer: Sendable {
    /// Calls `onDispatch` when a job is queued unclaimed or goes back in the queue, `onOutbox` when a
    /// notification is written other than by a job change (the process that changes a job delivers its
    /// callback itself; the others poll for those a dead process left) and `onWorkflow` when an execution
    /// schedules tasks, by any process, until the task is cancelled.
    func listen(
        onDispatch: @escaping @Sendable () -> Void, onOutbox: @escaping @Sendable () -> Void,
        onWorkflow: @escaping @Sendable () -> Void
    ) async
}

/// A store on a database server, which a node can lose sight of while it runs.
public protocol ReachabilityReporting: Sendable {
    /// Why the database cannot be reached, or nil when it can, as far as this node knows.
    var outage: String? { get }
}

/// The service registry's records.
public protocol RegistryStore: Sendable {
    func upsertService(_ service: MediaService) async throws
    func services() async throws -> [MediaService]
    func deleteService(id: String) async throws
    func upsertProfile(_ profile: JobProfile) async throws
    func profiles() async throws -> [JobProfile]
    func deleteProfile(label: String) async throws
}

/// A store that can be given a long history of finished jobs in one go: for measuring that such a history
/// slows neither claiming nor listing (`mediaflow bench jobs --history`, the index checks).
public protocol HistoryFilling: Sendable {
    /// Adds `jobs` COMPLETED jobs, created over the last `jobs` milliseconds before `now`, each with its
    /// StartJob record and its delivered callback.
    func addFinishedHistory(jobs: Int, now: Date) async throws
}

extension HistoryFilling {
    /// The SQL expression of a finished no-op job's document of a usual size (some 500 bytes), whose id ends
    /// in the text of the SQL expression `id`: the database builds each row, so none crosses the connection.
    public static func historyDocument(id: String) -> String {
        let job = #"{"@context":"http://history/context/default","dateCreated":"2026-01-01T00:00:00.000Z","#
            + #""dateModified":"2026-01-01T00:00:01.000Z","hasRelatedResource":{"locator":"file:///history/clip.mp4","#
            + #""type":"BMEssence"},"id":"http://history/Job/ID","jobOutput":{},"jobProfile":{"label":"NoOp","#
            + #""type":"JobProfile"},"jobStatus":"COMPLETED","priority":"MEDIUM","progress":100,"#
            + #""startJob":"http://history/StartJob/ID","statusMessage":"Completed","type":"AmeJob"}"#
        return "'" + job.replacingOccurrences(of: "ID", with: "' || \(id) || '") + "'"
    }
}

extension JobRepositoryStore {
    /// The job with this id, or nil.
    public func job(id: String) async throws -> Job? { try await versionedJob(id: id)?.job }

    public func recentJob(id: String) async throws -> Job? { try await job(id: id) }
}

extension JobTransition {
    /// The outbox message that notifies the caller, if the transition calls for one; its body is the job,
    /// `document` when the caller has it encoded already.
    public func notification(now: Date, document: String? = nil, claimedBy claim: Lease? = nil) throws -> OutboxMessage? {
        guard let target = notify else { return nil }
        let body = try document.map { Data($0.utf8) } ?? ProtocolJSON.encode(job)
        return OutboxMessage(target: target, body: body, nextAttemptAt: now, createdAt: now, claimedBy: claim)
    }
}
