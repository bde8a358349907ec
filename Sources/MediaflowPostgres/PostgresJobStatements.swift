import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

/// The statements that change jobs with everything that goes with them — StartJob records, dispatch entries,
/// callbacks, the wake-up of other nodes. Each takes a batch of jobs as arrays (one element per job), so the
/// changes many callers make at once share one round trip and one commit (see `StatementBatcher`), and is
/// prepared once per connection. Each returns the ids of the jobs it wrote: a job change is written only when
/// the row is still at the version given, so a job missing from the answer had another change come first.
/// (Optional values travel as empty strings: array elements cannot be null here.)
extension HotQuery {
    /// A new job.
    struct NewJob: Sendable {
        var job: Job
        var id: String
        var document: String
    }

    /// A job moved to QUEUED, with its StartJob record and its dispatch entry.
    struct QueuedJob: Sendable {
        var change: Change
        var startID: String
        var startDocument: String
        var entry: DispatchEntry
    }

    /// Any other change of a job: what it means for the dispatch queue, and its callback if it ended.
    struct ChangedJob: Sendable {
        var change: Change
        var queue: QueueChange
        var notification: OutboxMessage?
    }

    /// The job row's new state, written only at `version`.
    struct Change: Sendable {
        var status: JobStatus
        var document: String
        var id: String
        var version: Int64
    }

    struct InsertJobs: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO job (id, type, profile, status, created_at, document)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
            RETURNING id
            """
        typealias Row = String
        var jobs: [NewJob]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(jobs.map(\.id))
            bindings.append(jobs.map(\.job.type.rawValue))
            bindings.append(jobs.map(\.job.jobProfile.label))
            bindings.append(jobs.map(\.job.status.rawValue))
            bindings.append(jobs.map { StoreCoding.millis($0.job.dateCreated ?? Date()) })
            bindings.append(jobs.map(\.document))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// Other nodes are woken only for jobs this one has not claimed as it queued them. (A `NOTIFY` serializes
    /// the commits of every transaction that sends one.)
    struct QueueJobs: PostgresPreparedStatement {
        static let sql = """
            WITH batch AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                    $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::bigint[], $14::bigint[],
                    $15::bigint[])
                AS i(status, document, id, version, start_id, start_document, job_url, job_type, profile, priority,
                    attempts, lease_owner, lease_until, not_before, deadline)),
            \(updateJobs),
            start AS (INSERT INTO start_job (id, job_id, document) SELECT start_id, id, start_document FROM applied),
            queue AS (
                INSERT INTO dispatch
                    (job_id, job_url, job_type, profile, priority, attempts, lease_owner, lease_until, not_before, deadline)
                SELECT id, job_url, job_type, profile, priority, attempts, NULLIF(lease_owner, ''), NULLIF(lease_until, 0),
                    not_before, NULLIF(deadline, 0)
                FROM applied
                ON CONFLICT (job_id) DO NOTHING),
            wake AS (
                SELECT pg_notify('\(PostgresStore.dispatchChannel)', current_schema())
                WHERE EXISTS (SELECT 1 FROM applied WHERE lease_owner = ''))
            SELECT id FROM updated WHERE (SELECT count(*) FROM wake) >= 0
            """
        typealias Row = String
        var jobs: [QueuedJob]

        func makeBindings() throws -> PostgresBindings {
            var bindings = Change.bindings(jobs.map(\.change))
            bindings.append(jobs.map(\.startID))
            bindings.append(jobs.map(\.startDocument))
            bindings.append(jobs.map(\.entry.jobURL))
            bindings.append(jobs.map(\.entry.jobType.rawValue))
            bindings.append(jobs.map(\.entry.profile))
            bindings.append(jobs.map { Int64($0.entry.priority.rank) })
            bindings.append(jobs.map { Int64($0.entry.attempts) })
            bindings.append(jobs.map { $0.entry.claimedBy?.owner ?? "" })
            bindings.append(jobs.map { $0.entry.claimedBy.map { StoreCoding.millis($0.until) } ?? 0 })
            bindings.append(jobs.map { $0.entry.notBefore.map(StoreCoding.millis) ?? 0 })
            bindings.append(jobs.map { $0.entry.deadline.map(StoreCoding.millis) ?? 0 })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// A callback wakes no other node: the node making the change delivers it.
    struct ApplyToJobs: PostgresPreparedStatement {
        static let sql = """
            WITH batch AS (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[],
                    $8::text[], $9::text[], $10::bytea[], $11::bigint[], $12::bigint[], $13::text[], $14::bigint[])
                AS i(status, document, id, version, queue, lease_owner, lease_until, message_id, target, body,
                    next_attempt_at, created_at, message_lease_owner, message_lease_until)),
            \(updateJobs),
            gone AS (DELETE FROM dispatch d USING applied a WHERE d.job_id = a.id AND a.queue = 'leave'),
            waiting AS (
                UPDATE dispatch d SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL
                FROM applied a WHERE d.job_id = a.id AND a.queue = 'requeue'),
            held AS (
                UPDATE dispatch d SET dispatched = TRUE, lease_owner = a.lease_owner, lease_until = a.lease_until
                FROM applied a WHERE d.job_id = a.id AND a.queue = 'hold'),
            message AS (
                INSERT INTO outbox (id, target, body, attempts, next_attempt_at, state, created_at, lease_owner, lease_until)
                SELECT message_id, target, body, 0, next_attempt_at, 'pending', created_at,
                    nullif(message_lease_owner, ''), nullif(message_lease_until, 0)
                FROM applied WHERE message_id <> ''),
            wake AS (
                SELECT pg_notify('\(PostgresStore.dispatchChannel)', current_schema())
                WHERE EXISTS (SELECT 1 FROM applied WHERE queue = 'requeue'))
            SELECT id FROM updated WHERE (SELECT count(*) FROM wake) >= 0
            """
        typealias Row = String
        var jobs: [ChangedJob]

        func makeBindings() throws -> PostgresBindings {
            var bindings = Change.bindings(jobs.map(\.change))
            bindings.append(jobs.map(\.queue.name))
            bindings.append(jobs.map { $0.queue.heldUnder?.owner ?? "" })
            bindings.append(jobs.map { $0.queue.heldUnder.map { StoreCoding.millis($0.until) } ?? 0 })
            bindings.append(jobs.map { $0.notification?.id ?? "" })
            bindings.append(jobs.map { $0.notification?.target ?? "" })
            bindings.append(jobs.map { ByteBuffer(bytes: $0.notification?.body ?? Data()) })
            bindings.append(jobs.map { $0.notification.map { StoreCoding.millis($0.nextAttemptAt) } ?? 0 })
            bindings.append(jobs.map { $0.notification.map { StoreCoding.millis($0.createdAt) } ?? 0 })
            bindings.append(jobs.map { $0.notification?.claimedBy?.owner ?? "" })
            bindings.append(jobs.map { $0.notification?.claimedBy.map { StoreCoding.millis($0.until) } ?? 0 })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// The CTEs `updated` (the ids of the jobs written) and `applied` (their `batch` rows), shared by the job
    /// changes; `batch` begins with status, document, id and version (`$1`–`$4`, see `Change.bindings`).
    private static let updateJobs = """
        updated AS (
            UPDATE job SET status = i.status, document = i.document, version = job.version + 1
            FROM batch i WHERE job.id = i.id AND job.version = i.version RETURNING job.id),
        applied AS (SELECT i.* FROM batch i JOIN updated USING (id))
        """
}

extension HotQuery.Change {
    /// `$1`–`$4` of every batch of job changes.
    static func bindings(_ changes: [Self]) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(changes.map(\.status.rawValue))
        bindings.append(changes.map(\.document))
        bindings.append(changes.map(\.id))
        bindings.append(changes.map(\.version))
        return bindings
    }
}

extension QueueChange {
    /// The change's name in `ApplyToJobs`.
    var name: String {
        switch self {
        case .leave: "leave"
        case .requeue: "requeue"
        case .hold: "hold"
        case .none: "none"
        }
    }

    /// The lease of a held job.
    var heldUnder: Lease? {
        if case .hold(let lease) = self { lease } else { nil }
    }
}
