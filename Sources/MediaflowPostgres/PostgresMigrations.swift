import Logging
import MediaflowStore
import PostgresNIO

extension PostgresStore {
    /// The schema, as migrations applied in order, each once per database.
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE job (
                seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, profile TEXT NOT NULL,
                status TEXT NOT NULL, created_at BIGINT NOT NULL, version BIGINT NOT NULL DEFAULT 0, document TEXT NOT NULL)
            """,
            "CREATE INDEX job_by_status ON job(status, seq)",
            "CREATE INDEX job_by_profile ON job(profile, seq)",
            "CREATE INDEX job_by_created ON job(created_at)",
            "CREATE TABLE start_job (id TEXT PRIMARY KEY, job_id TEXT NOT NULL, document TEXT NOT NULL)",
            "CREATE INDEX start_job_by_job ON start_job(job_id)",
            """
            CREATE TABLE dispatch (
                seq BIGSERIAL PRIMARY KEY, job_id TEXT NOT NULL UNIQUE, job_url TEXT NOT NULL, job_type TEXT NOT NULL,
                profile TEXT NOT NULL, priority INT NOT NULL, attempts INT NOT NULL DEFAULT 0,
                not_before BIGINT NOT NULL DEFAULT 0, dispatched BOOLEAN NOT NULL DEFAULT FALSE,
                lease_owner TEXT, lease_until BIGINT)
            """,
            "CREATE INDEX dispatch_waiting ON dispatch(profile, priority DESC, seq) WHERE lease_until IS NULL",
            "CREATE INDEX dispatch_leased ON dispatch(lease_until) WHERE lease_until IS NOT NULL",
            """
            CREATE TABLE outbox (
                seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, target TEXT NOT NULL, body BYTEA NOT NULL,
                attempts INT NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, state TEXT NOT NULL, last_error TEXT,
                created_at BIGINT NOT NULL, lease_owner TEXT, lease_until BIGINT)
            """,
            "CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending'",
            "CREATE INDEX outbox_by_state ON outbox(state, seq)",
            "CREATE TABLE service (id TEXT PRIMARY KEY, label TEXT NOT NULL, document TEXT NOT NULL)",
            "CREATE TABLE job_profile (label TEXT PRIMARY KEY, document TEXT NOT NULL)",
        ]),
        (2, [
            """
            CREATE TABLE state_machine (
                arn TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL)
            """,
            "CREATE TABLE activity (arn TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at DOUBLE PRECISION NOT NULL)",
            """
            CREATE TABLE execution (
                seq BIGSERIAL PRIMARY KEY, arn TEXT NOT NULL UNIQUE, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL,
                status TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL, stopped_at DOUBLE PRECISION, state BYTEA NOT NULL,
                version BIGINT NOT NULL, next_wakeup DOUBLE PRECISION)
            """,
            "CREATE INDEX execution_by_machine ON execution(state_machine_arn, seq)",
            "CREATE INDEX execution_by_status ON execution(status, seq)",
            "CREATE INDEX execution_due ON execution(next_wakeup) WHERE next_wakeup IS NOT NULL",
            """
            CREATE TABLE execution_event (
                execution_arn TEXT NOT NULL, id INT NOT NULL, document BYTEA NOT NULL, PRIMARY KEY (execution_arn, id))
            """,
            """
            CREATE TABLE workflow_task (
                seq BIGSERIAL PRIMARY KEY, token TEXT NOT NULL UNIQUE, execution_arn TEXT NOT NULL, resource TEXT NOT NULL,
                input BYTEA NOT NULL, status TEXT NOT NULL, worker TEXT, handle TEXT, lease_owner TEXT,
                lease_until DOUBLE PRECISION)
            """,
            "CREATE INDEX workflow_task_pending ON workflow_task(seq) WHERE status = 'pending'",
            "CREATE INDEX workflow_task_queued ON workflow_task(resource, seq) WHERE status = 'queued'",
        ]),
        (3, ["ALTER TABLE dispatch ADD COLUMN reserved_for TEXT"]),
        // A dispatcher now claims the jobs it had room for as it queues them: no reservation to keep.
        (4, ["ALTER TABLE dispatch DROP COLUMN reserved_for"]),
        (5, [
            "ALTER TABLE dispatch ADD COLUMN deadline BIGINT",
            "CREATE INDEX dispatch_overdue ON dispatch(deadline) WHERE deadline IS NOT NULL",
        ]),
    ]

    /// Applies the migrations the database lacks. Safe when several nodes start at once: the migrations (and
    /// the schema's creation — two concurrent `CREATE SCHEMA IF NOT EXISTS` can collide) run under a
    /// transaction-scoped advisory lock, and each is recorded in the same transaction. The lock is the
    /// schema's own: nodes of other schemas in the database migrate meanwhile rather than queue.
    func applyMigrations() async throws {
        try await checkReachable()
        let lockedSchema = schema ?? "public"
        try await transactionBeforeMigration { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7402913, hashtext(\(lockedSchema)))")
            if let schema {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
            }
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS mediaflow_migration (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            let applied = Set(try await connection.query("SELECT version FROM mediaflow_migration").decode(Int.self))
            for migration in Self.migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement))
                }
                try await connection.query(
                    "INSERT INTO mediaflow_migration (version) VALUES (\(migration.version))")
                logger.info("Applied migration \(migration.version)")
            }
        }
    }
}

extension PostgresStore {
    /// Drops this store's schema and everything in it: for tests that made a schema of their own. It does not
    /// bring the schema up to date first, as every other statement does: that would only make it wait for
    /// migrations of a schema about to go.
    public func dropSchema() async throws {
        guard let schema else { return }
        await untilRunning()
        do {
            _ = try await client.withOpenConnection(logger: logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
            }
        } catch where Self.isDatabaseError(error) {
            throw failed(error)
        }
    }
}
