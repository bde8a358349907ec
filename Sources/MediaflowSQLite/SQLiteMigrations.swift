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
        migrator.registerMigration("2-workflows") { db in
            try db.execute(
                sql: """
                    CREATE TABLE state_machine (
                        arn TEXT PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        definition TEXT NOT NULL,
                        role_arn TEXT NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE activity (
                        arn TEXT PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE execution (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        arn TEXT NOT NULL UNIQUE,
                        state_machine_arn TEXT NOT NULL,
                        name TEXT NOT NULL,
                        status TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        stopped_at REAL,
                        state BLOB NOT NULL,
                        version INTEGER NOT NULL,
                        next_wakeup REAL
                    );
                    CREATE INDEX execution_by_machine ON execution(state_machine_arn, seq);
                    CREATE INDEX execution_due ON execution(next_wakeup) WHERE next_wakeup IS NOT NULL;
                    CREATE TABLE execution_event (
                        execution_arn TEXT NOT NULL,
                        id INTEGER NOT NULL,
                        document BLOB NOT NULL,
                        PRIMARY KEY (execution_arn, id)
                    ) WITHOUT ROWID;
                    CREATE TABLE workflow_task (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        token TEXT NOT NULL UNIQUE,
                        execution_arn TEXT NOT NULL,
                        resource TEXT NOT NULL,
                        input BLOB NOT NULL,
                        status TEXT NOT NULL,
                        worker TEXT
                    );
                    CREATE INDEX workflow_task_by_status ON workflow_task(status, resource, seq);
                    """)
        }
        migrator.registerMigration("3-workflow-task-lease-and-handle") { db in
            try db.execute(sql: "ALTER TABLE workflow_task ADD COLUMN lease_until REAL")
            try db.execute(sql: "ALTER TABLE workflow_task ADD COLUMN handle TEXT")
        }
        migrator.registerMigration("4-dispatch-reservation") { db in
            try db.execute(sql: "ALTER TABLE dispatch ADD COLUMN reserved_for TEXT")
        }
        // A dispatcher now claims the jobs it had room for as it queues them: no reservation to keep.
        migrator.registerMigration("5-dispatch-claimed-when-queued") { db in
            try db.execute(sql: "ALTER TABLE dispatch DROP COLUMN reserved_for")
        }
        migrator.registerMigration("6-dispatch-deadline") { db in
            try db.execute(sql: "ALTER TABLE dispatch ADD COLUMN deadline INTEGER")
            try db.execute(sql: "CREATE INDEX dispatch_overdue ON dispatch(deadline) WHERE deadline IS NOT NULL")
        }
        // A job's callback carries the job as it ended, which its row holds: the callback names the job instead
        // of holding a second copy (see `SQLiteStore.insert(_:bodyOfJob:_:)`).
        migrator.registerMigration("7-outbox-body-of-job") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN job_id TEXT")
        }
        return migrator
    }
}
