import Foundation
import GRDB
import MediaflowStore

extension SQLiteStore: HistoryFilling {
    public func addFinishedHistory(jobs: Int, now: Date) async throws {
        let first = StoreCoding.millis(now) - Int64(jobs)
        let rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(jobs)), "
            + "h AS (SELECT i, printf('00000000-0000-4000-8000-%012d', i) AS id FROM n) "
        let document = Self.historyDocument(id: "h.id")
        try await write { db in
            try db.execute(
                sql: rows + """
                    INSERT INTO job (id, type, profile, status, created_at, document)
                    SELECT id, 'AmeJob', 'NoOp', 'COMPLETED', \(first) + i, \(document) FROM h
                    """)
            try db.execute(
                sql: rows + """
                    INSERT INTO start_job (id, job_id, document)
                    SELECT id, id, '{"type":"StartJob","job":"http://history/Job/' || id || '"}' FROM h
                    """)
            try db.execute(
                sql: rows + """
                    INSERT INTO outbox (id, target, body, next_attempt_at, state, created_at)
                    SELECT id, 'http://history/callback', CAST(\(document) AS BLOB), \(first) + i, 'delivered', \(first) + i
                    FROM h
                    """)
        }
    }
}
