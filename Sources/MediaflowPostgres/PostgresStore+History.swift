import Foundation
import MediaflowStore
import PostgresNIO

extension PostgresStore: HistoryFilling {
    public func addFinishedHistory(jobs: Int, now: Date) async throws {
        let first = StoreCoding.millis(now) - Int64(jobs)
        let rows = "FROM (SELECT i, '00000000-0000-4000-8000-' || lpad(i::text, 12, '0') AS id FROM generate_series(1, \(jobs)) AS i) AS h"
        let document = Self.historyDocument(id: "h.id")
        try await transaction { connection in
            for statement in [
                """
                INSERT INTO job (id, type, profile, status, created_at, document)
                SELECT id, 'AmeJob', 'NoOp', 'COMPLETED', \(first) + i, \(document) \(rows)
                """,
                """
                INSERT INTO start_job (id, job_id, document)
                SELECT id, id, '{"type":"StartJob","job":"http://history/Job/' || id || '"}' \(rows)
                """,
                """
                INSERT INTO outbox (id, target, body, next_attempt_at, state, created_at)
                SELECT id, 'http://history/callback', convert_to(\(document), 'UTF8'), \(first) + i, 'delivered', \(first) + i
                \(rows)
                """,
            ] {
                try await connection.query(PostgresQuery(unsafeSQL: statement))
            }
        }
        // This schema's tables only: a bare ANALYZE reads (and locks) every table of the database.
        try await query("ANALYZE job, start_job, outbox")
    }
}
