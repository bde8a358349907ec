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
                    RETURNING *
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

    public func outboxMessages(state: OutboxState, limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM outbox WHERE state = ? ORDER BY seq LIMIT ?", arguments: [state.rawValue, limit]
            ).map(Self.message(from:))
        }
    }

    static func insert(_ message: OutboxMessage, _ db: Database) throws {
        try Column.execute(
            """
            INSERT INTO outbox
                (id, target, body, attempts, next_attempt_at, state, last_error, created_at, lease_owner, lease_until)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                message.id, message.target, message.body, message.attempts, StoreCoding.millis(message.nextAttemptAt),
                message.state.rawValue, message.lastError, StoreCoding.millis(message.createdAt),
                message.claimedBy?.owner, message.claimedBy.map { StoreCoding.millis($0.until) },
            ], db)
    }

    private static func message(from row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row["id"], target: row["target"], body: row["body"], attempts: row["attempts"],
            nextAttemptAt: StoreCoding.date(row["next_attempt_at"]),
            state: OutboxState(rawValue: row["state"]) ?? .pending, lastError: row["last_error"],
            createdAt: StoreCoding.date(row["created_at"]))
    }
}
