import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

/// The statements that change a job with everything that goes with it — its StartJob record, its dispatch
/// entry, its callback, the wake-up of other nodes — each in one round trip and one commit, and each
/// prepared once per connection (they run several times for every job). Each returns 1 when the job was
/// still at the version given and was written, 0 when another change came first and nothing happened.
extension HotQuery {
    /// A new job.
    struct InsertJob: PostgresPreparedStatement {
        static let sql = "INSERT INTO job (id, type, profile, status, created_at, document) VALUES ($1, $2, $3, $4, $5, $6)"
        typealias Row = Void
        var job: Job
        var id: String
        var document: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(job.type.rawValue)
            bindings.append(job.jobProfile.label)
            bindings.append(job.status.rawValue)
            bindings.append(StoreCoding.millis(job.dateCreated ?? Date()))
            bindings.append(document)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

    /// A job moved to QUEUED, with its StartJob record and its dispatch entry; other nodes are woken for it
    /// only when it is not reserved for this one. (A `NOTIFY` serializes the commits of every transaction
    /// that sends one.)
    struct QueueJob: PostgresPreparedStatement {
        static let sql = """
            WITH updated AS (
                UPDATE job SET status = $1, document = $2, version = version + 1 WHERE id = $3 AND version = $4 RETURNING id),
            start AS (INSERT INTO start_job (id, job_id, document) SELECT $5::text, $3, $6::text FROM updated),
            queue AS (
                INSERT INTO dispatch (job_id, job_url, job_type, profile, priority, attempts, reserved_for, not_before)
                SELECT $3, $7::text, $8::text, $9::text, $10::int, $11::int, $12::text, $13::bigint FROM updated
                ON CONFLICT (job_id) DO NOTHING),
            wake AS (
                SELECT pg_notify('\(PostgresStore.dispatchChannel)', current_schema()) FROM updated WHERE $12::text IS NULL)
            SELECT (SELECT count(*) FROM updated) + 0 * (SELECT count(*) FROM wake)
            """
        typealias Row = Int64
        var change: Change
        var startID: String
        var startDocument: String
        var entry: DispatchEntry
        var now: Date

        func makeBindings() throws -> PostgresBindings {
            var bindings = change.bindings
            bindings.append(startID)
            bindings.append(startDocument)
            bindings.append(entry.jobURL)
            bindings.append(entry.jobType.rawValue)
            bindings.append(entry.profile)
            bindings.append(entry.priority.rank)
            bindings.append(entry.attempts)
            bindings.append(entry.reservedFor)
            bindings.append(entry.reservedFor == nil ? 0 : StoreCoding.millis(now))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
    }

    /// Any other change of a job: what it means for the dispatch queue, and its callback if it ended. The
    /// callback wakes no other node: the node making the change delivers it.
    struct ApplyToJob: PostgresPreparedStatement {
        static let sql = """
            WITH updated AS (
                UPDATE job SET status = $1, document = $2, version = version + 1 WHERE id = $3 AND version = $4 RETURNING id),
            gone AS (DELETE FROM dispatch WHERE job_id = $3 AND $5::text = 'leave' AND EXISTS (SELECT 1 FROM updated)),
            waiting AS (
                UPDATE dispatch SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL, reserved_for = NULL
                WHERE job_id = $3 AND $5::text = 'requeue' AND EXISTS (SELECT 1 FROM updated)),
            held AS (
                UPDATE dispatch SET dispatched = TRUE, lease_owner = $6::text, lease_until = $7::bigint
                WHERE job_id = $3 AND $5::text = 'hold' AND EXISTS (SELECT 1 FROM updated)),
            message AS (
                INSERT INTO outbox (id, target, body, attempts, next_attempt_at, state, created_at)
                SELECT $8::text, $9::text, $10::bytea, 0, $11::bigint, 'pending', $12::bigint FROM updated
                WHERE $8::text IS NOT NULL),
            wake AS (
                SELECT pg_notify('\(PostgresStore.dispatchChannel)', current_schema()) FROM updated
                WHERE $5::text = 'requeue')
            SELECT (SELECT count(*) FROM updated) + 0 * (SELECT count(*) FROM wake)
            """
        typealias Row = Int64
        var change: Change
        var queue: QueueChange
        var notification: OutboxMessage?

        func makeBindings() throws -> PostgresBindings {
            var bindings = change.bindings
            switch queue {
            case .leave: bindings.append("leave")
            case .requeue: bindings.append("requeue")
            case .hold: bindings.append("hold")
            case .none: bindings.append("none")
            }
            if case .hold(let lease) = queue {
                bindings.append(lease.owner)
                bindings.append(StoreCoding.millis(lease.until))
            } else {
                bindings.appendNull()
                bindings.appendNull()
            }
            if let notification {
                bindings.append(notification.id)
                bindings.append(notification.target)
                bindings.append(ByteBuffer(bytes: notification.body))
                bindings.append(StoreCoding.millis(notification.nextAttemptAt))
                bindings.append(StoreCoding.millis(notification.createdAt))
            } else {
                for _ in 0..<5 { bindings.appendNull() }
            }
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
    }

    /// The job row's new state, written only at `version` (`$1`–`$4` of every job change).
    struct Change: Sendable {
        var status: JobStatus
        var document: String
        var id: String
        var version: Int64

        var bindings: PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(status.rawValue)
            bindings.append(document)
            bindings.append(id)
            bindings.append(version)
            return bindings
        }
    }
}
