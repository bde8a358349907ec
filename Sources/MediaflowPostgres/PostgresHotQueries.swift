import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

/// The statements every node runs all the time, written once, so that what runs is what `EXPLAIN` checks.
enum HotQuery {
    /// Claims waiting dispatch entries in one statement; rows another node holds are skipped, not waited for.
    struct ClaimDispatch: PostgresPreparedStatement {
        static let name = "claim_dispatch"
        static let sql = """
            UPDATE dispatch SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
            WHERE seq IN (
                SELECT seq FROM dispatch
                WHERE lease_until IS NULL AND profile = ANY($3) AND not_before <= $4
                ORDER BY priority DESC, seq LIMIT $5
                FOR UPDATE SKIP LOCKED)
            RETURNING seq, job_id, job_url, job_type, profile, priority, attempts
            """
        typealias Row = (Int64, String, String, String, String, Int, Int)
        var profiles: [String]
        var limit: Int
        var lease: Lease
        var now: Date

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(lease.owner)
            bindings.append(StoreCoding.millis(lease.until))
            bindings.append(profiles)
            bindings.append(StoreCoding.millis(now))
            bindings.append(Int64(limit))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Claims due outbox messages in one statement.
    struct ClaimOutbox: PostgresPreparedStatement {
        static let name = "claim_outbox"
        static let sql = """
            UPDATE outbox SET lease_owner = $1, lease_until = $2
            WHERE seq IN (
                SELECT seq FROM outbox
                WHERE state = 'pending' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
                ORDER BY next_attempt_at LIMIT $4
                FOR UPDATE SKIP LOCKED)
            RETURNING id, target, body, attempts, next_attempt_at, state, last_error, created_at
            """
        typealias Row = (String, String, ByteBuffer, Int, Int64, String, String?, Int64)
        var limit: Int
        var lease: Lease
        var now: Date

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(lease.owner)
            bindings.append(StoreCoding.millis(lease.until))
            bindings.append(StoreCoding.millis(now))
            bindings.append(Int64(limit))
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Marks delivered callbacks.
    struct MarkDelivered: PostgresPreparedStatement {
        static let name = "mark_delivered"
        static let sql = "UPDATE outbox SET state = 'delivered', lease_owner = NULL, lease_until = NULL WHERE id = ANY($1)"
        typealias Row = Void
        var ids: [String]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(ids)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }

    /// Dispatch entries whose lease ran out: their node or service is gone.
    static func expiredDispatches(now: Date, limit: Int) -> PostgresQuery {
        """
        SELECT job_id, job_url, job_type, profile, priority, attempts, dispatched FROM dispatch
        WHERE lease_until < \(StoreCoding.millis(now)) ORDER BY lease_until LIMIT \(limit)
        """
    }

    /// Dispatch entries whose job has not ended by its deadline (`timeoutSeconds`).
    static func overdueDispatches(now: Date, limit: Int) -> PostgresQuery {
        """
        SELECT job_id, job_url, job_type, profile, priority, attempts, dispatched FROM dispatch
        WHERE deadline <= \(StoreCoding.millis(now)) ORDER BY deadline LIMIT \(limit)
        """
    }

    /// The earliest deadline in the queue, read each time a node looks for overdue jobs.
    static let earliestDeadline: PostgresQuery = "SELECT MIN(deadline) FROM dispatch WHERE deadline IS NOT NULL"

    /// A job with its row version and its StartJob record, read before a change that checks the version;
    /// prepared once per connection, as it runs for every job change.
    struct ReadJob: PostgresPreparedStatement {
        static let name = "read_job"
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
    /// The plans PostgreSQL picks for the hot statements, by name: for checking that each uses an index. The
    /// batched job writes are explained as their connections plan them, once, whatever the values.
    public func explainHotQueries() async throws -> [String: String] {
        var plans = ["writeJobs": try await explainJobWrites()]
        let now = Date()
        let lease = Lease(owner: "explain", until: now)
        let queries: [(String, PostgresQuery)] = [
            ("claimDispatch", try HotQuery.ClaimDispatch(profiles: ["NoOp"], limit: 64, lease: lease, now: now).unprepared),
            ("claimOutbox", try HotQuery.ClaimOutbox(limit: 128, lease: lease, now: now).unprepared),
            ("expiredDispatches", HotQuery.expiredDispatches(now: now, limit: 500)),
            ("overdueDispatches", HotQuery.overdueDispatches(now: now, limit: 500)),
            ("earliestDeadline", HotQuery.earliestDeadline),
            ("readJob", try HotQuery.ReadJob(id: UniqueID.make()).unprepared),
            ("listJobs", HotQuery.listJobs(JobQuery(limit: 50))),
            ("listJobsByStatus", HotQuery.listJobs(JobQuery(status: .running, limit: 50))),
        ]
        for (name, hot) in queries {
            var explain = hot
            explain.sql = "EXPLAIN " + hot.sql
            plans[name] = try await query(explain).decode(String.self).joined(separator: "\n")
        }
        return plans
    }

    /// The planner settings in force on a connection of each pool: the main one (`statements`) and the batched
    /// job writes' (`batchedWrites`), by setting name.
    public func plannerSettings() async throws -> (statements: [String: String], batchedWrites: [String: String]) {
        try await migrate()
        func settings(of pool: PostgresClient) async throws -> [String: String] {
            let rows = try await pool.withOpenConnection(logger: logger) { connection in
                try await connection.query(
                """
                SELECT name, setting FROM pg_settings
                WHERE name IN ('plan_cache_mode', 'enable_seqscan', 'enable_hashjoin', 'enable_mergejoin')
                """)
            }
            return Dictionary(uniqueKeysWithValues: try rows.decode((String, String).self))
        }
        return (try await settings(of: client), try await settings(of: batchClient))
    }

    /// The generic plan of the batched job writes (`WriteJobs`), as a connection of `batchClient` makes it.
    public func explainJobWrites() async throws -> String {
        try await migrate()
        // A generic plan does not depend on the values, so none are given.
        let parameters = Set(HotQuery.WriteJobs.sql.matches(of: /\$([0-9]+)/).map(\.output.1)).count
        let arguments = Array(repeating: "NULL", count: parameters).joined(separator: ", ")
        return try await batchClient.withOpenConnection(logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "PREPARE explained AS \(HotQuery.WriteJobs.sql)"))
            let explain = PostgresQuery(unsafeSQL: "EXPLAIN EXECUTE explained(\(arguments))")
            let lines = try await connection.query(explain).decode(String.self)
            try await connection.query("DEALLOCATE explained")
            return lines.joined(separator: "\n")
        }
    }
}

extension PostgresPreparedStatement {
    /// The same statement, unprepared, for `EXPLAIN`.
    var unprepared: PostgresQuery {
        get throws { PostgresQuery(unsafeSQL: Self.sql, binds: try makeBindings()) }
    }
}
