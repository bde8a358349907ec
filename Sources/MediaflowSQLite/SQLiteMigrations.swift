import GRDB

/// The schema, as migrations applied in order; each runs once per database.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-jobs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE job (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        profile TEXT NOT NULL,
                        status TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        version INTEGER NOT NULL DEFAULT 0,
                        document TEXT NOT NULL
                    );
                    CREATE INDEX job_by_status ON job(status, seq);
                    CREATE INDEX job_by_profile ON job(profile, seq);
                    CREATE INDEX job_by_created ON job(created_at);
                    CREATE TABLE start_job (
                        id TEXT PRIMARY KEY,
                        job_id TEXT NOT NULL,
                        document TEXT NOT NULL
                    );
                    CREATE TABLE dispatch (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        job_id TEXT NOT NULL UNIQUE,
                        job_url TEXT NOT NULL,
                        job_type TEXT NOT NULL,
                        profile TEXT NOT NULL,
                        priority INTEGER NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        not_before INTEGER NOT NULL DEFAULT 0,
                        dispatched INTEGER NOT NULL DEFAULT 0,
                        lease_owner TEXT,
                        lease_until INTEGER
                    );
                    CREATE INDEX dispatch_waiting ON dispatch(profile, priority DESC, seq) WHERE lease_until IS NULL;
                    CREATE INDEX dispatch_leased ON dispatch(lease_until) WHERE lease_until IS NOT NULL;
                    CREATE TABLE outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        target TEXT NOT NULL,
                        body BLOB NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        last_error TEXT,
                        created_at INTEGER NOT NULL,
                        lease_owner TEXT,
                        lease_until INTEGER
                    );
                    CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';
                    CREATE INDEX outbox_by_state ON outbox(state, seq);
                    CREATE TABLE service (
                        id TEXT PRIMARY KEY,
                        label TEXT NOT NULL,
                        document TEXT NOT NULL
                    );
                    CREATE TABLE job_profile (
                        label TEXT PRIMARY KEY,
                        document TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }
}
