import Foundation
import MediaflowStore
import PostgresNIO

/// The statements every node runs all the time, written once, so that what runs is what `EXPLAIN` checks.
enum HotQuery {
    /// Claims waiting dispatch entries in one statement; rows another node holds are skipped, not waited for.
    static func claimDispatch(profiles: Set<String>, limit: Int, lease: Lease, now: Date) -> PostgresQuery {
        """
        UPDATE dispatch SET lease_owner = \(lease.owner), lease_until = \(StoreCoding.millis(lease.until)),
            attempts = attempts + 1
        WHERE seq IN (
            SELECT seq FROM dispatch
            WHERE lease_until IS NULL AND profile = ANY(\(Array(profiles))) AND not_before <= \(StoreCoding.millis(now))
            ORDER BY priority DESC, seq LIMIT \(limit)
            FOR UPDATE SKIP LOCKED)
        RETURNING seq, job_id, job_url, job_type, profile, priority, attempts
        """
    }

    /// Claims due outbox messages in one statement.
    static func claimOutbox(limit: Int, lease: Lease, now: Date) -> PostgresQuery {
        let now = StoreCoding.millis(now)
        return """
            UPDATE outbox SET lease_owner = \(lease.owner), lease_until = \(StoreCoding.millis(lease.until))
            WHERE seq IN (
                SELECT seq FROM outbox
                WHERE state = 'pending' AND next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until < \(now))
                ORDER BY next_attempt_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING id, target, body, attempts, next_attempt_at, state, last_error, created_at
            """
    }

    /// Dispatch entries whose lease ran out: their node or service is gone.
    static func expiredDispatches(now: Date, limit: Int) -> PostgresQuery {
        """
        SELECT job_id, job_url, job_type, profile, priority, attempts, dispatched FROM dispatch
        WHERE lease_until < \(StoreCoding.millis(now)) ORDER BY lease_until LIMIT \(limit)
        """
    }

    /// A job with its row version and its StartJob record, read before a change that checks the version;
    /// prepared once per connection, as it runs for every job change.
    struct ReadJob: PostgresPreparedStatement {
        static let sql = """
            SELECT j.document, j.version, (SELECT s.document FROM start_job s WHERE s.job_id = j.id LIMIT 1)
            FROM job j WHERE j.id = $1
            """
        typealias Row = (String, Int64, String?)
        var id: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// A page of `GET /Job`, newest first.
    static func listJobs(_ query: JobQuery) -> PostgresQuery {
        var sql = PostgresQuery(unsafeSQL: "SELECT seq, document FROM job WHERE seq < $1")
        sql.binds.append(query.cursor.flatMap(Int64.init) ?? Int64.max)
        func add(_ condition: String, _ value: some PostgresNonThrowingEncodable & Sendable) {
            sql.binds.append(value)
            sql.sql += " AND \(condition) $\(sql.binds.count)"
        }
        if let status = query.status { add("status =", status.rawValue) }
        if let type = query.type { add("type =", type.rawValue) }
        if let profile = query.profile { add("profile =", profile) }
        if let after = query.createdAfter { add("created_at >=", StoreCoding.millis(after)) }
        if let before = query.createdBefore { add("created_at <", StoreCoding.millis(before)) }
        sql.binds.append(Int64(query.limit + 1))
        sql.sql += " ORDER BY seq DESC LIMIT $\(sql.binds.count)"
        return sql
    }
}

extension PostgresStore {
    /// The plans PostgreSQL picks for the hot statements, by name: for checking that each uses an index.
    public func explainHotQueries() async throws -> [String: String] {
        let now = Date()
        let lease = Lease(owner: "explain", until: now)
        let id = UUID().uuidString.lowercased()
        let change = HotQuery.Change(status: .running, document: "{}", id: id, version: 1)
        let entry = DispatchEntry(jobID: id, jobURL: "http://explain/Job/\(id)", jobType: .ameJob, profile: "NoOp", priority: .medium)
        let message = OutboxMessage(target: "http://caller", body: Data("{}".utf8), nextAttemptAt: now, createdAt: now)
        let queries: [(String, PostgresQuery)] = [
            ("claimDispatch", HotQuery.claimDispatch(profiles: ["NoOp"], limit: 64, lease: lease, now: now)),
            ("claimOutbox", HotQuery.claimOutbox(limit: 128, lease: lease, now: now)),
            ("expiredDispatches", HotQuery.expiredDispatches(now: now, limit: 500)),
            ("readJob", try HotQuery.ReadJob(id: UUID().uuidString.lowercased()).unprepared),
            ("queueJob", try HotQuery.QueueJob(change: change, startID: "s", startDocument: "{}", entry: entry).unprepared),
            ("applyToJob", try HotQuery.ApplyToJob(change: change, queue: .leave, notification: message).unprepared),
            ("listJobs", HotQuery.listJobs(JobQuery(limit: 50))),
            ("listJobsByStatus", HotQuery.listJobs(JobQuery(status: .running, limit: 50))),
        ]
        var plans: [String: String] = [:]
        for (name, hot) in queries {
            var explain = hot
            explain.sql = "EXPLAIN " + hot.sql
            var lines: [String] = []
            for try await line in try await query(explain).decode(String.self) { lines.append(line) }
            plans[name] = lines.joined(separator: "\n")
        }
        return plans
    }
}

extension PostgresPreparedStatement {
    /// The same statement, unprepared, for `EXPLAIN`.
    var unprepared: PostgresQuery {
        get throws { PostgresQuery(unsafeSQL: Self.sql, binds: try makeBindings()) }
    }
}
