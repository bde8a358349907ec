import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

extension PostgresStore {
    static let dispatchChannel = "mediaflow_dispatch"
    static let outboxChannel = "mediaflow_outbox"

    public func queueJob(id: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> Job {
        let startID = try StoreCoding.id(of: startJob.id, in: "StartJob")
        let startDocument = try StoreCoding.text(startJob)
        return try await transaction { connection in
            guard let (job, _) = try await lockJob(id: id, connection) else { throw StoreError.notFound("No job \(id)") }
            let transition = try JobLifecycle.apply(
                .queued(startJob: startJob.id ?? "", priority: entry.priority), to: job, endpoint: nil, now: now)
            try await connection.query(
                "INSERT INTO start_job (id, job_id, document) VALUES (\(startID), \(id), \(startDocument))", logger: logger)
            try await saveJob(transition.job, id: id, connection)
            try await enqueue(entry, connection)
            return transition.job
        }
    }

    public func applyEvent(_ event: JobEvent, toJob id: String, lease: Lease?, now: Date) async throws -> JobTransition {
        try await transaction { connection in
            guard let (job, endpoint) = try await lockJob(id: id, connection) else { throw StoreError.notFound("No job \(id)") }
            let transition = try JobLifecycle.apply(event, to: job, endpoint: endpoint, now: now)
            guard transition.changed else { return transition }
            try await saveJob(transition.job, id: id, connection)
            try await settle(transition, jobID: id, lease: lease, notification: transition.notification(now: now), connection)
            return transition
        }
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

    /// The job, locked for the rest of the transaction, and its caller's endpoints.
    private func lockJob(id: String, _ connection: PostgresConnection) async throws -> (Job, AsyncEndpoint?)? {
        var document: String?
        for try await value in try await connection.query(HotQuery.lockJob(id: id), logger: logger).decode(String.self) {
            document = value
        }
        guard let document else { return nil }
        let job = try StoreCoding.decode(Job.self, document)
        guard let link = job.startJob.flatMap({ ResourceLink(parsing: $0, collection: "StartJob") }) else { return (job, nil) }
        for try await startDocument in try await connection.query(
            "SELECT document FROM start_job WHERE id = \(link.id)", logger: logger
        ).decode(String.self) {
            return (job, try StoreCoding.decode(StartJob.self, startDocument).asyncEndpoint)
        }
        return (job, nil)
    }

    private func saveJob(_ job: Job, id: String, _ connection: PostgresConnection) async throws {
        let document = try StoreCoding.text(job)
        try await connection.query(
            "UPDATE job SET status = \(job.status.rawValue), document = \(document), version = version + 1 WHERE id = \(id)",
            logger: logger)
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
        if transition.leavesQueue {
            try await connection.query("DELETE FROM dispatch WHERE job_id = \(jobID)", logger: logger)
        } else if transition.job.status == .queued {
            try await connection.query(
                "UPDATE dispatch SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL WHERE job_id = \(jobID)",
                logger: logger)
            try await connection.query("SELECT pg_notify(\(Self.dispatchChannel), '')", logger: logger)
        } else if let lease {
            try await connection.query(
                """
                UPDATE dispatch SET dispatched = TRUE, lease_owner = \(lease.owner),
                    lease_until = \(StoreCoding.millis(lease.until))
                WHERE job_id = \(jobID)
                """, logger: logger)
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
