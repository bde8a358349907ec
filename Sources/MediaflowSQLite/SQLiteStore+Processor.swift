import Foundation
import GRDB
import MediaflowModel
import MediaflowStore

extension SQLiteStore {
    public func queueJob(id: String, startJob: StartJob, entry: DispatchEntry, now: Date) async throws -> Job {
        let startID = try StoreCoding.id(of: startJob.id, in: "StartJob")
        let startDocument = try StoreCoding.text(startJob)
        return try await updateJob(id: id, endpoint: startJob.asyncEndpoint) { job, _ in
            let transition = try JobLifecycle.apply(
                .queued(startJob: startJob.id ?? "", priority: entry.priority), to: job, endpoint: nil, now: now)
            return (transition, { db, _ in
                try Column.execute(
                    "INSERT INTO start_job (id, job_id, document) VALUES (?, ?, ?)", [startID, id, startDocument], db)
                try Self.enqueue(entry, db)
            })
        }.transition.job
    }

    public func applyEvent(_ event: JobEvent, toJob id: String, lease: Lease?, callbackClaim: Lease?, now: Date) async throws
        -> (transition: JobTransition, callback: OutboxMessage?)
    {
        let (transition, callback) = try await updateJob(id: id) { job, endpoint in
            let transition = try JobLifecycle.apply(event, to: job, endpoint: endpoint, now: now)
            return (transition, { db, document in
                let notification = try transition.notification(now: now, document: document, claimedBy: callbackClaim)
                try Self.settle(transition, jobID: id, lease: lease, notification: notification, bodyIsJob: true, db)
                return notification
            })
        }
        return (transition, callback ?? nil)
    }

    /// Decides a job's transition and writes it with whatever else `decide` asks for (given the job's new
    /// document), at the version the decision was made from (see `JobSnapshots.update`); answers what that
    /// writing gave back.
    private func updateJob<Written: Sendable>(
        id: String, endpoint: AsyncEndpoint? = nil,
        decide: @escaping @Sendable (Job, AsyncEndpoint?) throws -> (JobTransition, @Sendable (Database, String) throws -> Written)
    ) async throws -> (transition: JobTransition, written: Written?) {
        try await snapshots.update(
            id: id, endpoint: endpoint,
            read: {
                try await read { db in
                    try Self.loadJob(id: id, db).map { stored in
                        JobSnapshots.Snapshot(
                            job: stored.job, version: stored.version, endpoint: try Self.endpoint(of: stored.job, db))
                    }
                }
            },
            decide: { snapshot in try decide(snapshot.job, snapshot.endpoint) },
            write: { snapshot, transition, alsoWrite, committed in
                let document = try StoreCoding.text(transition.job)
                return try await write(
                    { db -> Written? in
                        guard try Self.saveJob(document, status: transition.job.status, id: id, version: snapshot.version, db)
                        else { return nil }
                        return try alsoWrite(db, document)
                    },
                    afterCommit: { written in if written != nil { committed() } })
            })
    }

    public func enqueue(_ entry: DispatchEntry) async throws {
        try await write { db in try Self.enqueue(entry, db) }
    }

    public func claimDispatch(profiles: Set<String>, limit: Int, lease: Lease, now: Date) async throws -> [DispatchEntry] {
        guard !profiles.isEmpty, limit > 0 else { return [] }
        let profileList = Array(profiles)
        return try await write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                    UPDATE dispatch SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
                    WHERE seq IN (
                        SELECT seq FROM dispatch
                        WHERE lease_until IS NULL AND profile IN (\(Column.placeholders(profileList.count)))
                          AND not_before <= ?
                        ORDER BY priority DESC, seq LIMIT ?)
                    RETURNING seq, job_id, job_url, job_type, profile, priority, attempts
                    """),
                arguments: [lease.owner, StoreCoding.millis(lease.until)] + StatementArguments(profileList)
                    + [StoreCoding.millis(now), limit])
            return rows.sorted { ($0["priority"] as Int, -($0["seq"] as Int64)) > ($1["priority"] as Int, -($1["seq"] as Int64)) }
                .map(Self.entry(from:))
        }
    }

    public func releaseDispatch(jobID: String, notBefore: Date) async throws {
        try await write { db in
            try Column.execute(
                "UPDATE dispatch SET dispatched = 0, lease_owner = NULL, lease_until = NULL, not_before = ? WHERE job_id = ?",
                [StoreCoding.millis(notBefore), jobID], db)
        }
    }

    public func expiredDispatches(now: Date, limit: Int) async throws -> [(entry: DispatchEntry, wasDispatched: Bool)] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM dispatch WHERE lease_until < ? ORDER BY lease_until LIMIT ?",
                arguments: [StoreCoding.millis(now), limit]
            ).map { (Self.entry(from: $0), $0["dispatched"]) }
        }
    }

    public func overdueDispatches(now: Date, limit: Int) async throws -> [DispatchEntry] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM dispatch WHERE deadline <= ? ORDER BY deadline LIMIT ?",
                arguments: [StoreCoding.millis(now), limit]
            ).map(Self.entry(from:))
        }
    }

    public func earliestDeadline() async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(deadline) FROM dispatch WHERE deadline IS NOT NULL")
                .map(StoreCoding.date)
        }
    }

    public func dropDispatch(jobID: String) async throws {
        try await write { db in try Column.execute("DELETE FROM dispatch WHERE job_id = ?", [jobID], db) }
    }

    public func releaseAllLeases() async throws {
        try await write { db in
            try db.execute(sql: "UPDATE dispatch SET lease_until = 0 WHERE lease_until IS NOT NULL")
            try db.execute(sql: "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_until IS NOT NULL")
        }
    }

    public func settle(_ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?) async throws {
        try await write { db in
            try Self.settle(transition, jobID: jobID, lease: lease, notification: notification, bodyIsJob: false, db)
        }
    }

    static func enqueue(_ entry: DispatchEntry, _ db: Database) throws {
        try Column.execute(
            """
            INSERT OR IGNORE INTO dispatch
                (job_id, job_url, job_type, profile, priority, attempts, lease_owner, lease_until, not_before, deadline)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                entry.jobID, entry.jobURL, entry.jobType.rawValue, entry.profile, entry.priority.rank, entry.attempts,
                entry.claimedBy?.owner, entry.claimedBy.map { StoreCoding.millis($0.until) },
                entry.notBefore.map(StoreCoding.millis) ?? 0, entry.deadline.map(StoreCoding.millis),
            ], db)
    }

    /// Settles the dispatch queue after `transition` and writes its callback; `bodyIsJob` when the callback's
    /// body is the job's document as this transaction writes it to the job's row.
    static func settle(
        _ transition: JobTransition, jobID: String, lease: Lease?, notification: OutboxMessage?, bodyIsJob: Bool,
        _ db: Database
    ) throws {
        switch QueueChange(transition, lease: lease) {
        case .leave:
            try Column.execute("DELETE FROM dispatch WHERE job_id = ?", [jobID], db)
        case .requeue:
            try Column.execute(
                "UPDATE dispatch SET dispatched = 0, lease_owner = NULL, lease_until = NULL WHERE job_id = ?", [jobID], db)
        case .hold(let lease):
            try Column.execute(
                "UPDATE dispatch SET dispatched = 1, lease_owner = ?, lease_until = ? WHERE job_id = ?",
                [lease.owner, StoreCoding.millis(lease.until), jobID], db)
        case .none:
            break
        }
        if let notification { try insert(notification, bodyOfJob: bodyIsJob ? jobID : nil, db) }
    }

    private static func entry(from row: Row) -> DispatchEntry {
        let rank: Int = row["priority"]
        return DispatchEntry(
            jobID: row["job_id"], jobURL: row["job_url"], jobType: JobType(rawValue: row["job_type"]) ?? .ameJob,
            profile: row["profile"], priority: JobPriority.allCases.first { $0.rank == rank } ?? .medium,
            attempts: row["attempts"])
    }
}
