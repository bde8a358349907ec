import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

extension PostgresStore {
    public func claimOutbox(limit: Int, lease: Lease, now: Date) async throws -> [OutboxMessage] {
        try await execute(HotQuery.ClaimOutbox(limit: limit, lease: lease, now: now)).map(Self.message)
    }

    public func markDelivered(ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        _ = try await execute(HotQuery.MarkDelivered(ids: ids))
    }

    public func markFailed(id: String, attempts: Int, nextAttemptAt: Date, error: String, dead: Bool) async throws {
        let state = (dead ? OutboxState.dead : .pending).rawValue
        try await query(
            """
            UPDATE outbox SET attempts = \(attempts), next_attempt_at = \(StoreCoding.millis(nextAttemptAt)),
                last_error = \(error), state = \(state), lease_owner = NULL, lease_until = NULL
            WHERE id = \(id)
            """)
    }

    public func outboxMessages(state: OutboxState, after: String?, limit: Int) async throws -> [OutboxMessage] {
        let rows = try await query(
            """
            SELECT \(unescaped: Self.messageColumns) FROM outbox
            WHERE state = \(state.rawValue) AND (\(after)::text IS NULL OR seq > (SELECT seq FROM outbox WHERE id = \(after)))
            ORDER BY seq LIMIT \(limit)
            """)
        return try Self.messages(rows)
    }

    public func outboxMessage(id: String) async throws -> OutboxMessage? {
        try Self.messages(try await query("SELECT \(unescaped: Self.messageColumns) FROM outbox WHERE id = \(id)")).first
    }

    public func redeliver(id: String, now: Date) async throws -> OutboxMessage? {
        let redelivered = try await query(
            """
            UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(StoreCoding.millis(now)),
                lease_owner = NULL, lease_until = NULL
            WHERE id = \(id) AND state = 'dead'
            RETURNING \(unescaped: Self.messageColumns)
            """)
        if let message = try Self.messages(redelivered).first { return message }
        let rows = try await query("SELECT state FROM outbox WHERE id = \(id)")
        guard let state = try rows.first?.decode(String.self) else { return nil }
        throw StoreError.notDead(callback: id, state: OutboxState(rawValue: state) ?? .pending)
    }

    private static let messageColumns = "id, target, body, attempts, next_attempt_at, state, last_error, created_at"

    private static func messages(_ rows: [PostgresRow]) throws -> [OutboxMessage] {
        try rows.decode(HotQuery.ClaimOutbox.Row.self).map(message)
    }

    private static func message(_ row: HotQuery.ClaimOutbox.Row) -> OutboxMessage {
        let (id, target, body, attempts, next, state, lastError, created) = row
        return OutboxMessage(
            id: id, target: target, body: Data(body.readableBytesView), attempts: attempts,
            nextAttemptAt: StoreCoding.date(next), state: OutboxState(rawValue: state) ?? .pending,
            lastError: lastError, createdAt: StoreCoding.date(created))
    }
}
