import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

extension PostgresStore {
    static let dispatchChannel = "mediaflow_dispatch"
    static let outboxChannel = "mediaflow_outbox"
    static let workflowChannel = "mediaflow_workflow"

    public func queueJob(id: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> Job {
        let startID = try StoreCoding.id(of: startJob.id, in: "StartJob")
        let startDocument = try StoreCoding.text(startJob)
        return try await updateJob(
            id: id, endpoint: startJob.asyncEndpoint,
            decide: { job, _ in
                try JobLifecycle.apply(
                    .queued(startJob: startJob.id ?? "", priority: entry.priority), to: job, endpoint: nil, now: now)
            },
            write: { change, _ in
                let queued = HotQuery.QueuedJob(change: change, startID: startID, startDocument: startDocument, entry: entry)
                return try await self.write(.queued(queued)) ? () : nil
            }
        ).transition.job
    }

    public func applyEvent(_ event: JobEvent, toJob id: String, lease: Lease?, callbackClaim: Lease?, now: Date) async throws
        -> (transition: JobTransition, callback: OutboxMessage?)
    {
        let (transition, callback) = try await updateJob(
            id: id,
            decide: { job, endpoint in try JobLifecycle.apply(event, to: job, endpoint: endpoint, now: now) },
            write: { change, transition -> OutboxMessage?? in
                let notification = try transition.notification(now: now, document: change.document, claimedBy: callbackClaim)
                let changed = HotQuery.ChangedJob(
                    change: change, queue: QueueChange(transition, lease: lease), notification: notification)
                return try await self.write(.changed(changed)) ? .some(notification) : nil
            })
        return (transition, callback ?? nil)
    }

    /// Decides a job's transition and has `write` write it, with what goes with it, only at the version the
    /// decision was made from (see `JobSnapshots.update`); `write` answers nil when it was not written.
    private func updateJob<Written>(
        id: String, endpoint: AsyncEndpoint? = nil, decide: (Job, AsyncEndpoint?) throws -> JobTransition,
        write: (HotQuery.Change, JobTransition) async throws -> Written?
    ) async throws -> (transition: JobTransition, written: Written?) {
        try await snapshots.update(
            id: id, endpoint: endpoint,
            read: { try await readJob(id: id) },
            decide: { snapshot in (try decide(snapshot.job, snapshot.endpoint), ()) },
            write: { snapshot, transition, _, _ in
                let change = HotQuery.Change(
                    status: transition.job.status, document: try StoreCoding.text(transition.job), id: id,
                    version: snapshot.version)
                return try await write(change, transition)
            })
    }

    /// A job as stored, with its row version and its caller's endpoints.
    private func readJob(id: String) async throws -> JobSnapshots.Snapshot? {
        guard let (document, version, startDocument) = try await execute(HotQuery.ReadJob(id: id)).first else { return nil }
        return JobSnapshots.Snapshot(
            job: try StoreCoding.decode(Job.self, document), version: version,
            endpoint: try startDocument.map { try StoreCoding.decode(StartJob.self, $0).asyncEndpoint } ?? nil)
    }

    public func enqueue(_ entry: DispatchEntry) async throws {
        try await transaction { connection in try await enqueue(entry, connection) }
    }

    public func claimDispatch(profiles: Set<String>, limit: Int, lease: Lease, now: Date) async throws -> [DispatchEntry] {
        guard !profiles.isEmpty, limit > 0 else { return [] }
        let rows = try await execute(HotQuery.ClaimDispatch(profiles: Array(profiles), limit: limit, lease: lease, now: now))
        let entries = rows.map { seq, jobID, url, type, profile, rank, attempts in
            (seq, Self.entry(jobID, url, type, profile, rank, attempts))
        }
        return entries.sorted { ($0.1.priority.rank, -$0.0) > ($1.1.priority.rank, -$1.0) }.map(\.1)
    }

    public func releaseDispatch(jobID: String, notBefore: Date) async throws {
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE dispatch SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL,
                    not_before = \(StoreCoding.millis(notBefore))
                WHERE job_id = \(jobID)
                """)
            try await announce(on: Self.dispatchChannel, connection)
        }
    }

    public func expiredDispatches(now: Date, limit: Int) async throws -> [(entry: DispatchEntry, wasDispatched: Bool)] {
        try await dispatches(HotQuery.expiredDispatches(now: now, limit: limit))
    }

    public func overdueDispatches(now: Date, limit: Int) async throws -> [DispatchEntry] {
        try await dispatches(HotQuery.overdueDispatches(now: now, limit: limit)).map(\.entry)
    }

    public func earliestDeadline() async throws -> Date? {
        try await query(HotQuery.earliestDeadline).decode(Int64?.self).last?.map(StoreCoding.date)
    }

    /// The entries a query of `job_id, job_url, job_type, profile, priority, attempts, dispatched` finds.
    private func dispatches(_ sql: PostgresQuery) async throws -> [(entry: DispatchEntry, wasDispatched: Bool)] {
        try await query(sql).decode((String, String, String, String, Int, Int, Bool).self).map {
            jobID, url, type, profile, rank, attempts, dispatched in
            (Self.entry(jobID, url, type, profile, rank, attempts), dispatched)
        }
    }

    public func dropDispatch(jobID: String) async throws {
        try await query("DELETE FROM dispatch WHERE job_id = \(jobID)")
    }

    public func releaseAllLeases() async throws {
        try await query("UPDATE dispatch SET lease_until = 0 WHERE lease_until IS NOT NULL")
        try await query("UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_until IS NOT NULL")
    }

    public func settle(_ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?) async throws {
        try await transaction { connection in
            try await settle(transition, jobID: jobID, lease: lease, notification: notification, connection)
        }
    }

    private func enqueue(_ entry: DispatchEntry, _ connection: OpenConnection) async throws {
        try await connection.query(
            """
            INSERT INTO dispatch
                (job_id, job_url, job_type, profile, priority, attempts, lease_owner, lease_until, not_before, deadline)
            VALUES (\(entry.jobID), \(entry.jobURL), \(entry.jobType.rawValue), \(entry.profile), \(entry.priority.rank),
                \(entry.attempts), \(entry.claimedBy?.owner), \(entry.claimedBy.map { StoreCoding.millis($0.until) }),
                \(entry.notBefore.map(StoreCoding.millis) ?? 0), \(entry.deadline.map(StoreCoding.millis)))
            ON CONFLICT (job_id) DO NOTHING
            """)
        if entry.claimedBy == nil { try await announce(on: Self.dispatchChannel, connection) }
    }

    private func settle(
        _ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?,
        _ connection: OpenConnection
    ) async throws {
        switch QueueChange(transition, lease: lease) {
        case .leave:
            try await connection.query("DELETE FROM dispatch WHERE job_id = \(jobID)")
        case .requeue:
            try await connection.query(
                "UPDATE dispatch SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL WHERE job_id = \(jobID)")
            try await announce(on: Self.dispatchChannel, connection)
        case .hold(let lease):
            try await connection.query(
                """
                UPDATE dispatch SET dispatched = TRUE, lease_owner = \(lease.owner),
                    lease_until = \(StoreCoding.millis(lease.until))
                WHERE job_id = \(jobID)
                """)
        case .none:
            break
        }
        if let notification { try await insert(notification, connection) }
    }

    func insert(_ message: OutboxMessage, _ connection: OpenConnection) async throws {
        try await connection.query(
            """
            INSERT INTO outbox
                (id, target, body, attempts, next_attempt_at, state, last_error, created_at, lease_owner, lease_until)
            VALUES (\(message.id), \(message.target), \(ByteBuffer(bytes: message.body)), \(message.attempts),
                \(StoreCoding.millis(message.nextAttemptAt)), \(message.state.rawValue), \(message.lastError),
                \(StoreCoding.millis(message.createdAt)), \(message.claimedBy?.owner),
                \(message.claimedBy.map { StoreCoding.millis($0.until) }))
            """)
        if message.claimedBy == nil { try await announce(on: Self.outboxChannel, connection) }
    }

    private static func entry(_ jobID: String, _ url: String, _ type: String, _ profile: String, _ rank: Int, _ attempts: Int)
        -> DispatchEntry
    {
        DispatchEntry(
            jobID: jobID, jobURL: url, jobType: JobType(rawValue: type) ?? .ameJob, profile: profile,
            priority: JobPriority.allCases.first { $0.rank == rank } ?? .medium, attempts: attempts)
    }
}
