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
        return try await updateJob(id: id, endpoint: startJob.asyncEndpoint) { job, _, statement in
            let transition = try JobLifecycle.apply(
                .queued(startJob: startJob.id ?? "", priority: entry.priority), to: job, endpoint: nil, now: now)
            statement.add(
                ", start AS (INSERT INTO start_job (id, job_id, document) SELECT \(statement.bind(startID)), "
                    + "\(statement.bind(id)), \(statement.bind(startDocument)) WHERE EXISTS (SELECT 1 FROM updated))")
            statement.add(
                ", queue AS (INSERT INTO dispatch (job_id, job_url, job_type, profile, priority, attempts) "
                    + "SELECT \(statement.bind(entry.jobID)), \(statement.bind(entry.jobURL)), "
                    + "\(statement.bind(entry.jobType.rawValue)), \(statement.bind(entry.profile)), "
                    + "\(statement.bind(entry.priority.rank)), \(statement.bind(entry.attempts)) "
                    + "WHERE EXISTS (SELECT 1 FROM updated) ON CONFLICT (job_id) DO NOTHING)")
            statement.notify(Self.dispatchChannel)
            return transition
        }.job
    }

    public func applyEvent(_ event: JobEvent, toJob id: String, lease: Lease?, now: Date) async throws -> JobTransition {
        try await updateJob(id: id) { job, endpoint, statement in
            let transition = try JobLifecycle.apply(event, to: job, endpoint: endpoint, now: now)
            let jobID = statement.bind(id)
            switch QueueChange(transition, lease: lease) {
            case .leave:
                statement.add(", queue AS (DELETE FROM dispatch WHERE job_id = \(jobID) AND EXISTS (SELECT 1 FROM updated))")
            case .requeue:
                statement.add(
                    ", queue AS (UPDATE dispatch SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL "
                        + "WHERE job_id = \(jobID) AND EXISTS (SELECT 1 FROM updated))")
                statement.notify(Self.dispatchChannel)
            case .hold(let lease):
                statement.add(
                    ", queue AS (UPDATE dispatch SET dispatched = TRUE, lease_owner = \(statement.bind(lease.owner)), "
                        + "lease_until = \(statement.bind(StoreCoding.millis(lease.until))) "
                        + "WHERE job_id = \(jobID) AND EXISTS (SELECT 1 FROM updated))")
            case .none:
                break
            }
            if let message = try transition.notification(now: now) {
                statement.add(
                    ", message AS (INSERT INTO outbox (id, target, body, attempts, next_attempt_at, state, created_at) "
                        + "SELECT \(statement.bind(message.id)), \(statement.bind(message.target)), "
                        + "\(statement.bind(ByteBuffer(bytes: message.body))), 0, "
                        + "\(statement.bind(StoreCoding.millis(message.nextAttemptAt))), 'pending', "
                        + "\(statement.bind(StoreCoding.millis(message.createdAt))) WHERE EXISTS (SELECT 1 FROM updated))")
                statement.notify(Self.outboxChannel)
            }
            return transition
        }
    }

    /// Decides a job's transition, letting `decide` add what goes with it, and writes it all in one statement
    /// that applies only at the version the decision was made from (see `JobSnapshots.update`).
    private func updateJob(
        id: String, endpoint: AsyncEndpoint? = nil, decide: (Job, AsyncEndpoint?, inout JobWrite) throws -> JobTransition
    ) async throws -> JobTransition {
        try await snapshots.update(
            id: id, endpoint: endpoint,
            read: { try await readJob(id: id) },
            decide: { snapshot in
                var statement = JobWrite()
                statement.add(
                    "WITH updated AS (UPDATE job SET status = $1, document = $2, version = version + 1 "
                        + "WHERE id = $3 AND version = $4 RETURNING id)")
                return (try decide(snapshot.job, snapshot.endpoint, &statement), statement)
            },
            write: { snapshot, transition, statement, _ in
                var statement = statement
                statement.setJob(
                    status: transition.job.status.rawValue, document: try StoreCoding.text(transition.job), id: id,
                    version: snapshot.version)
                for try await updated in try await query(statement.query).decode(Int64.self) where updated == 1 {
                    return true
                }
                return false
            })
    }

    /// A job as stored, with its row version and its caller's endpoints.
    private func readJob(id: String) async throws -> JobSnapshots.Snapshot? {
        var row: (String, Int64, String?)?
        do {
            for try await found in try await client.execute(HotQuery.ReadJob(id: id), logger: logger) { row = found }
        } catch let error as PSQLError {
            throw StoreError.unavailable("PostgreSQL failed: \(Self.describe(error))")
        }
        guard let (document, version, startDocument) = row else { return nil }
        return JobSnapshots.Snapshot(
            job: try StoreCoding.decode(Job.self, document), version: version,
            endpoint: try startDocument.map { try StoreCoding.decode(StartJob.self, $0).asyncEndpoint } ?? nil)
    }

    public func enqueue(_ entry: DispatchEntry) async throws {
        try await transaction { connection in try await enqueue(entry, connection) }
    }

    public func claimDispatch(profiles: Set<String>, limit: Int, lease: Lease, now: Date) async throws -> [DispatchEntry] {
        guard !profiles.isEmpty, limit > 0 else { return [] }
        let rows = try await query(HotQuery.claimDispatch(profiles: profiles, limit: limit, lease: lease, now: now))
        var entries: [(Int64, DispatchEntry)] = []
        for try await (seq, jobID, url, type, profile, rank, attempts) in rows.decode(
            (Int64, String, String, String, String, Int, Int).self)
        {
            entries.append((seq, Self.entry(jobID, url, type, profile, rank, attempts)))
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
                """, logger: logger)
            try await connection.query("SELECT pg_notify(\(Self.dispatchChannel), '')", logger: logger)
        }
    }

    public func expiredDispatches(now: Date, limit: Int) async throws -> [(entry: DispatchEntry, wasDispatched: Bool)] {
        let rows = try await query(HotQuery.expiredDispatches(now: now, limit: limit))
        var result: [(entry: DispatchEntry, wasDispatched: Bool)] = []
        for try await (jobID, url, type, profile, rank, attempts, dispatched) in rows.decode(
            (String, String, String, String, Int, Int, Bool).self)
        {
            result.append((Self.entry(jobID, url, type, profile, rank, attempts), dispatched))
        }
        return result
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

    private func enqueue(_ entry: DispatchEntry, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO dispatch (job_id, job_url, job_type, profile, priority, attempts)
            VALUES (\(entry.jobID), \(entry.jobURL), \(entry.jobType.rawValue), \(entry.profile), \(entry.priority.rank),
                \(entry.attempts))
            ON CONFLICT (job_id) DO NOTHING
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.dispatchChannel), '')", logger: logger)
    }

    private func settle(
        _ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?,
        _ connection: PostgresConnection
    ) async throws {
        switch QueueChange(transition, lease: lease) {
        case .leave:
            try await connection.query("DELETE FROM dispatch WHERE job_id = \(jobID)", logger: logger)
        case .requeue:
            try await connection.query(
                "UPDATE dispatch SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL WHERE job_id = \(jobID)",
                logger: logger)
            try await connection.query("SELECT pg_notify(\(Self.dispatchChannel), '')", logger: logger)
        case .hold(let lease):
            try await connection.query(
                """
                UPDATE dispatch SET dispatched = TRUE, lease_owner = \(lease.owner),
                    lease_until = \(StoreCoding.millis(lease.until))
                WHERE job_id = \(jobID)
                """, logger: logger)
        case .none:
            break
        }
        if let notification { try await insert(notification, connection) }
    }

    func insert(_ message: OutboxMessage, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO outbox (id, target, body, attempts, next_attempt_at, state, last_error, created_at)
            VALUES (\(message.id), \(message.target), \(ByteBuffer(bytes: message.body)), \(message.attempts),
                \(StoreCoding.millis(message.nextAttemptAt)), \(message.state.rawValue), \(message.lastError),
                \(StoreCoding.millis(message.createdAt)))
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.outboxChannel), '')", logger: logger)
    }

    private static func entry(_ jobID: String, _ url: String, _ type: String, _ profile: String, _ rank: Int, _ attempts: Int)
        -> DispatchEntry
    {
        DispatchEntry(
            jobID: jobID, jobURL: url, jobType: JobType(rawValue: type) ?? .ameJob, profile: profile,
            priority: JobPriority.allCases.first { $0.rank == rank } ?? .medium, attempts: attempts)
    }
}
