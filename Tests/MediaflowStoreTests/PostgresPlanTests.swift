import Foundation
import Logging
import MediaflowPostgres
import MediaflowStore
import MediaflowTesting
import PostgresNIO
import Testing

/// With many finished jobs and delivered callbacks, and a deep backlog of running and waiting work, every
/// hot statement still reads through an index: claiming and listing do not slow down as tables grow.
@Suite struct PostgresPlanTests {
    @Test func hotStatementsUseIndexesOnALargeHistory() async throws {
        try await TestDatabase.withFreshSchema(prefix: "plans") { url in
            let schema = String(url.split(separator: "=").last!)
            let store = try PostgresStore(url: url, logger: Logger(label: "test"))
            var configuration = PostgresClient.Configuration(
                host: "127.0.0.1", port: URLComponents(string: TestDatabase.postgresURL)?.port ?? 55432,
                username: URLComponents(string: TestDatabase.postgresURL)?.user ?? "postgres", password: nil,
                database: "mediaflow", tls: .disable)
            configuration.options.additionalStartupParameters = [("search_path", schema)]
            let raw = PostgresClient(configuration: configuration)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                group.addTask { await raw.run() }
                defer { group.cancelAll() }
                try await store.migrate()
                let settings = try await store.plannerSettings()
                #expect(settings.statements["plan_cache_mode"] == "force_custom_plan")
                #expect(settings.statements["enable_seqscan"] == "on")
                #expect(settings.batchedWrites == [
                    "plan_cache_mode": "force_generic_plan", "enable_seqscan": "off", "enable_hashjoin": "off",
                    "enable_mergejoin": "off",
                ])
                // A generic plan made while the tables are empty is the one a connection may keep for good.
                let early = try await store.explainJobWrites()
                #expect(!["job", "outbox", "dispatch"].contains { early.contains("Seq Scan on \($0) ") }, "writeJobs:\n\(early)")
                let rows = 300_000
                try await raw.query(
                    """
                    INSERT INTO job (id, type, profile, status, created_at, document)
                    SELECT md5(i::text), 'AmeJob', 'NoOp', 'COMPLETED', i, '{}' FROM generate_series(1, \(rows)) AS i
                    """)
                try await raw.query(
                    """
                    INSERT INTO outbox (id, target, body, next_attempt_at, state, created_at)
                    SELECT md5(i::text), 'http://caller', ''::bytea, i, 'delivered', i FROM generate_series(1, \(rows)) AS i
                    """)
                try await raw.query(
                    """
                    INSERT INTO dispatch (job_id, job_url, job_type, profile, priority, dispatched, lease_owner, lease_until)
                    SELECT md5(i::text), 'http://x', 'AmeJob', CASE WHEN i % 2 = 0 THEN 'Long' ELSE 'NoOp' END, 1,
                        i % 5 < 3, CASE WHEN i % 5 < 3 THEN 'node' END, CASE WHEN i % 5 < 3 THEN 9000000000000 + i END
                    FROM generate_series(1, 100000) AS i
                    """)
                try await raw.query("ANALYZE job, outbox, dispatch")
                let plans = try await store.explainHotQueries()
                #expect(plans.count == 9)
                for (name, plan) in plans {
                    #expect(plan.contains("Index"), "\(name) does not use an index:\n\(plan)")
                    #expect(!["job", "outbox", "dispatch"].contains { plan.contains("Seq Scan on \($0) ") }, "\(name):\n\(plan)")
                }
                // The gauges an operator scrapes count jobs and callbacks through the indexes as well. (The dispatch
                // queue holds only work not yet done, so its count may read the table.)
                for (sql, _) in StoreGauges.queries where !sql.contains("FROM dispatch") {
                    var plan = ""
                    for try await line in try await raw.query(PostgresQuery(unsafeSQL: "EXPLAIN \(sql)")).decode(String.self) {
                        plan += line + "\n"
                    }
                    #expect(plan.contains("Index") && !plan.contains("Seq Scan"), "\(sql):\n\(plan)")
                }
            }
        }
    }
}
