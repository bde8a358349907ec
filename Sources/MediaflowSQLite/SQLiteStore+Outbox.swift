import Foundation
import GRDB
import MediaflowModel
import MediaflowStore

extension SQLiteStore {
    public func claimOutbox(limit: Int, lease: Lease, now: Date) async throws -> [OutboxMessage] {
        try await write { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                    UPDATE outbox SET lease_owner = ?, lease_until = ?
                    WHERE seq IN (
                        SELECT seq FROM outbox
                        WHERE state = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                        ORDER BY next_attempt_at LIMIT ?)
                    RETURNING \(Self.messageColumns)
                    """),
                arguments: [lease.owner, StoreCoding.millis(lease.until), StoreCoding.millis(now), StoreCoding.millis(now), limit]
            ).map(Self.message(from:))
        }
    }

    public func markDelivered(ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await write { db in
            try Column.execute(
                """
                UPDATE outbox SET state = 'delivered', lease_owner = NULL, lease_until = NULL
                WHERE id IN (\(Column.placeholders(ids.count)))
                """,
                StatementArguments(ids), db)
        }
    }

    public func markFailed(id: String, attempts: Int, nextAttemptAt: Date, error: String, dead: Bool) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, state = ?,
                        lease_owner = NULL, lease_until = NULL
                    WHERE id = ?
                    """,
                arguments: [
                    attempts, StoreCoding.millis(nextAttemptAt), error,
                    (dead ? OutboxState.dead : .pending).rawValue, id,
                ])
        }
    }

    public func outboxMessages(state: OutboxState, after: String?, limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.messageColumns) FROM outbox
                    WHERE state = ? AND (? IS NULL OR seq > (SELECT seq FROM outbox WHERE id = ?))
                    ORDER BY seq LIMIT ?
                    """,
                arguments: [state.rawValue, after, after, limit]
            ).map(Self.message(from:))
        }
    }

    public func outboxMessage(id: String) async throws -> OutboxMessage? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.messageColumns) FROM outbox WHERE id = ?", arguments: [id])
                .map(Self.message(from:))
        }
    }

    public func redeliver(id: String, now: Date) async throws -> OutboxMessage? {
        try await write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM outbox WHERE id = ?", arguments: [id]) else {
                return nil
            }
            guard state == OutboxState.dead.rawValue else {
                throw StoreError.notDead(callback: id, state: OutboxState(rawValue: state) ?? .pending)
            }
            return try Row.fetchOne(
                db,
                sql: """
                    UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL
                    WHERE id = ? RETURNING \(Self.messageColumns)
                    """,
                arguments: [StoreCoding.millis(now), id]
            ).map(Self.message(from:))
        }
    }

    /// Writes a message. A job's callback whose body is the job's document, as its row holds it (`bodyOfJob`),
    /// names the job instead of holding a second copy: the body is read from the row when the message is, and
    /// copied into the message only if the job is deleted before the message is delivered (`keepBodies`).
    static func insert(_ message: OutboxMessage, bodyOfJob jobID: String?, _ db: Database) throws {
        try Column.execute(
            """
            INSERT INTO outbox
                (id, target, body, attempts, next_attempt_at, state, last_error, created_at, lease_owner, lease_until,
                 job_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                message.id, message.target, jobID == nil ? message.body : Data(), message.attempts,
                StoreCoding.millis(message.nextAttemptAt), message.state.rawValue, message.lastError,
                StoreCoding.millis(message.createdAt), message.claimedBy?.owner,
                message.claimedBy.map { StoreCoding.millis($0.until) }, jobID,
            ], db)
    }

    /// Copies the job's document into the callbacks still to be delivered that name the jobs `jobs` (an SQL
    /// selection of job ids) before those jobs are deleted. A delivered callback of a deleted job keeps no body.
    static func keepBodies(ofJobs jobs: String, _ arguments: StatementArguments, _ db: Database) throws {
        try Column.execute(
            """
            UPDATE outbox SET body = \(jobDocument), job_id = NULL
            WHERE seq IN (SELECT seq FROM outbox WHERE state IN ('pending', 'dead') AND job_id IN (\(jobs)))
            """, arguments, db)
    }

    /// The columns a message is read from: its body from its job's row when it names one.
    static let messageColumns = """
        id, target, attempts, next_attempt_at, state, last_error, created_at,
        CASE WHEN job_id IS NULL THEN body ELSE \(jobDocument) END AS body
        """

    /// The document of the job an outbox row names, as a message body.
    private static let jobDocument = "CAST((SELECT document FROM job WHERE job.id = outbox.job_id) AS BLOB)"

    private static func message(from row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row["id"], target: row["target"], body: row["body"] ?? Data(), attempts: row["attempts"],
            nextAttemptAt: StoreCoding.date(row["next_attempt_at"]),
            state: OutboxState(rawValue: row["state"]) ?? .pending, lastError: row["last_error"],
            createdAt: StoreCoding.date(row["created_at"]))
    }
}
