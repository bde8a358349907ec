import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

/// The statement that writes jobs with everything that goes with them — StartJob records, dispatch entries,
/// callbacks, the wake-up of other nodes. It takes a batch of job writes of every kind as arrays (one element
/// per job), so the writes many callers make at once share one round trip and one commit (see
/// `StatementBatcher`), and is prepared and planned once per connection. It returns the ids of the jobs it
/// wrote: a job change is written only when the row is still at the version given, so a job missing from the
/// answer had another change come first. (Optional values travel as empty strings: array elements cannot be
/// null here.)
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

    /// One write of a job, of any kind: what the batcher collects. Indirect, so that the several copies a write
    /// goes through on its way into a batch retain one box instead of every string of a job.
    indirect enum JobWrite: Sendable {
        case new(NewJob)
        case queued(QueuedJob)
        case changed(ChangedJob)

        var id: String {
            switch self {
            case .new(let job): job.id
            case .queued(let job): job.change.id
            case .changed(let job): job.change.id
            }
        }
    }

    /// Every kind of job write in one statement: new jobs (`$1`–`$6`); jobs queued, with their StartJob
    /// records and dispatch entries (`$7`–`$21`); and any other change, with what it means for the dispatch
    /// queue and its callback (`$22`–`$35`). Other nodes are woken only for jobs queued unclaimed or queued
    /// again (a `NOTIFY` serializes the commits of every transaction that sends one); a callback wakes none,
    /// as the node making the change delivers it.
    struct WriteJobs: PostgresPreparedStatement {
        /// Named here: PostgresNIO's default name is `String(reflecting:)` of the type, made at every run.
        static let name = "write_jobs"
        static let sql = """
            WITH inserted AS (
                INSERT INTO job (id, type, profile, status, created_at, document)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
                RETURNING id),
            queued_batch AS (
                SELECT * FROM unnest($7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[],
                    $13::text[], $14::text[], $15::text[], $16::bigint[], $17::bigint[], $18::text[], $19::bigint[],
                    $20::bigint[], $21::bigint[])
                AS i(status, document, id, version, start_id, start_document, job_url, job_type, profile, priority,
                    attempts, lease_owner, lease_until, not_before, deadline)),
            \(updateJobs("queued")),
            start AS (INSERT INTO start_job (id, job_id, document) SELECT start_id, id, start_document FROM queued_applied),
            queue AS (
                INSERT INTO dispatch
                    (job_id, job_url, job_type, profile, priority, attempts, lease_owner, lease_until, not_before, deadline)
                SELECT id, job_url, job_type, profile, priority, attempts, NULLIF(lease_owner, ''), NULLIF(lease_until, 0),
                    not_before, NULLIF(deadline, 0)
                FROM queued_applied
                ON CONFLICT (job_id) DO NOTHING),
            changed_batch AS (
                SELECT * FROM unnest($22::text[], $23::text[], $24::text[], $25::bigint[], $26::text[], $27::text[],
                    $28::bigint[], $29::text[], $30::text[], $31::bytea[], $32::bigint[], $33::bigint[], $34::text[],
                    $35::bigint[])
                AS i(status, document, id, version, queue, lease_owner, lease_until, message_id, target, body,
                    next_attempt_at, created_at, message_lease_owner, message_lease_until)),
            \(updateJobs("changed")),
            gone AS (DELETE FROM dispatch d USING changed_applied a WHERE d.job_id = a.id AND a.queue = 'leave'),
            waiting AS (
                UPDATE dispatch d SET dispatched = FALSE, lease_owner = NULL, lease_until = NULL
                FROM changed_applied a WHERE d.job_id = a.id AND a.queue = 'requeue'),
            held AS (
                UPDATE dispatch d SET dispatched = TRUE, lease_owner = a.lease_owner, lease_until = a.lease_until
                FROM changed_applied a WHERE d.job_id = a.id AND a.queue = 'hold'),
            message AS (
                INSERT INTO outbox (id, target, body, attempts, next_attempt_at, state, created_at, lease_owner, lease_until)
                SELECT message_id, target, body, 0, next_attempt_at, 'pending', created_at,
                    nullif(message_lease_owner, ''), nullif(message_lease_until, 0)
                FROM changed_applied WHERE message_id <> ''),
            wake AS (
                SELECT pg_notify('\(PostgresStore.dispatchChannel)', current_schema())
                WHERE EXISTS (SELECT 1 FROM queued_applied WHERE lease_owner = '')
                    OR EXISTS (SELECT 1 FROM changed_applied WHERE queue = 'requeue'))
            SELECT id FROM inserted
            UNION ALL SELECT id FROM queued_updated
            UNION ALL SELECT id FROM changed_updated WHERE (SELECT count(*) FROM wake) >= 0
            """
        typealias Row = String
        var writes: [JobWrite]

        func makeBindings() throws -> PostgresBindings {
            var (new, queued, changed): ([NewJob], [QueuedJob], [ChangedJob]) = ([], [], [])
            for write in writes {
                switch write {
                case .new(let job): new.append(job)
                case .queued(let job): queued.append(job)
                case .changed(let job): changed.append(job)
                }
            }
            var bindings = PostgresBindings()
            bindings.append(new.map(\.id))
            bindings.append(new.map(\.job.type.rawValue))
            bindings.append(new.map(\.job.jobProfile.label))
            bindings.append(new.map(\.job.status.rawValue))
            bindings.append(new.map { StoreCoding.millis($0.job.dateCreated ?? Date()) })
            bindings.append(new.map(\.document))
            Change.append(queued.map(\.change), to: &bindings)
            bindings.append(queued.map(\.startID))
            bindings.append(queued.map(\.startDocument))
            bindings.append(queued.map(\.entry.jobURL))
            bindings.append(queued.map(\.entry.jobType.rawValue))
            bindings.append(queued.map(\.entry.profile))
            bindings.append(queued.map { Int64($0.entry.priority.rank) })
            bindings.append(queued.map { Int64($0.entry.attempts) })
            bindings.append(queued.map { $0.entry.claimedBy?.owner ?? "" })
            bindings.append(queued.map { $0.entry.claimedBy.map { StoreCoding.millis($0.until) } ?? 0 })
            bindings.append(queued.map { $0.entry.notBefore.map(StoreCoding.millis) ?? 0 })
            bindings.append(queued.map { $0.entry.deadline.map(StoreCoding.millis) ?? 0 })
            Change.append(changed.map(\.change), to: &bindings)
            bindings.append(changed.map(\.queue.name))
            bindings.append(changed.map { $0.queue.heldUnder?.owner ?? "" })
            bindings.append(changed.map { $0.queue.heldUnder.map { StoreCoding.millis($0.until) } ?? 0 })
            bindings.append(changed.map { $0.notification?.id ?? "" })
            bindings.append(changed.map { $0.notification?.target ?? "" })
            bindings.append(changed.map { ByteBuffer(bytes: $0.notification?.body ?? Data()) })
            bindings.append(changed.map { $0.notification.map { StoreCoding.millis($0.nextAttemptAt) } ?? 0 })
            bindings.append(changed.map { $0.notification.map { StoreCoding.millis($0.createdAt) } ?? 0 })
            bindings.append(changed.map { $0.notification?.claimedBy?.owner ?? "" })
            bindings.append(changed.map { $0.notification?.claimedBy.map { StoreCoding.millis($0.until) } ?? 0 })
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
    }

    /// The CTEs `KIND_updated` (the ids of the jobs written) and `KIND_applied` (their `KIND_batch` rows) of a
    /// kind of job change; its batch begins with status, document, id and version (see `Change.append`).
    private static func updateJobs(_ kind: String) -> String {
        """
        \(kind)_updated AS (
            UPDATE job SET status = i.status, document = i.document, version = job.version + 1
            FROM \(kind)_batch i WHERE job.id = i.id AND job.version = i.version RETURNING job.id),
        \(kind)_applied AS (SELECT i.* FROM \(kind)_batch i JOIN \(kind)_updated USING (id))
        """
    }
}

extension HotQuery.Change {
    /// The first four arrays of a batch of job changes: status, document, id and version.
    static func append(_ changes: [Self], to bindings: inout PostgresBindings) {
        bindings.append(changes.map(\.status.rawValue))
        bindings.append(changes.map(\.document))
        bindings.append(changes.map(\.id))
        bindings.append(changes.map(\.version))
    }
}

extension QueueChange {
    /// The change's name in `WriteJobs`.
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
