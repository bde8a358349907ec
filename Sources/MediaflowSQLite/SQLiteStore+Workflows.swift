import Foundation
import GRDB
import MediaflowStore

extension SQLiteStore: WorkflowStore {
    public func createStateMachine(_ record: StateMachineRecord) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM state_machine WHERE name = ? OR arn = ?", arguments: [record.name, record.arn]) != nil {
                throw StoreError.conflict("A state machine named \(record.name) exists")
            }
            try db.execute(
                sql: "INSERT INTO state_machine (arn, name, definition, role_arn, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [record.arn, record.name, record.definition, record.roleArn, record.createdAt.timeIntervalSince1970])
        }
    }

    public func stateMachine(arn: String) async throws -> StateMachineRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM state_machine WHERE arn = ?", arguments: [arn]).map(Self.stateMachine)
        }
    }

    public func stateMachines() async throws -> [StateMachineRecord] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM state_machine ORDER BY name").map(Self.stateMachine) }
    }

    public func deleteStateMachine(arn: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM state_machine WHERE arn = ?", arguments: [arn])
            if db.changesCount == 0 { throw StoreError.notFound("No state machine \(arn)") }
        }
    }

    public func createActivity(arn: String, name: String, createdAt: Date) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM activity WHERE name = ?", arguments: [name]) != nil {
                throw StoreError.conflict("An activity named \(name) exists")
            }
            try db.execute(
                sql: "INSERT INTO activity (arn, name, created_at) VALUES (?, ?, ?)",
                arguments: [arn, name, createdAt.timeIntervalSince1970])
        }
    }

    public func activities() async throws -> [(arn: String, name: String, createdAt: Date)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT arn, name, created_at FROM activity ORDER BY name").map {
                (arn: $0["arn"], name: $0["name"], createdAt: Date(timeIntervalSince1970: $0["created_at"]))
            }
        }
    }

    public func insertExecution(_ change: ExecutionWrite) async throws {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM execution WHERE arn = ?", arguments: [change.record.arn]) != nil {
                throw StoreError.conflict("An execution named \(change.record.name) exists")
            }
            let record = change.record
            try Column.execute(
                """
                INSERT INTO execution (arn, state_machine_arn, name, status, started_at, stopped_at, state, version, next_wakeup)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [record.arn, record.stateMachineArn, record.name, record.status, record.startedAt.timeIntervalSince1970,
                 record.stoppedAt?.timeIntervalSince1970, record.state, record.version, record.nextWakeup], db)
            try Self.applyRest(of: change, db)
        }
    }

    public func updateExecution(_ change: ExecutionWrite) async throws -> [WorkflowTaskRecord] {
        try await write { db in
            let record = change.record
            try Column.execute(
                "UPDATE execution SET status = ?, stopped_at = ?, state = ?, version = ?, next_wakeup = ? WHERE arn = ? AND version = ?",
                [record.status, record.stoppedAt?.timeIntervalSince1970, record.state, record.version, record.nextWakeup,
                 record.arn, record.version - 1], db)
            if db.changesCount == 0 { throw StoreError.conflict("Execution \(record.arn) changed meanwhile") }
            return try Self.applyRest(of: change, db)
        }
    }

    /// Writes the change's events and tasks; returns the closed tasks as deleted.
    @discardableResult
    private static func applyRest(of change: ExecutionWrite, _ db: Database) throws -> [WorkflowTaskRecord] {
        for event in change.events {
            try Column.execute(
                "INSERT INTO execution_event (execution_arn, id, document) VALUES (?, ?, ?)",
                [change.record.arn, event.id, event.document], db)
        }
        for task in change.newTasks {
            try Column.execute(
                "INSERT INTO workflow_task (token, execution_arn, resource, input, status) VALUES (?, ?, ?, ?, ?)",
                [task.token, task.executionArn, task.resource, task.input, task.status.rawValue], db)
        }
        return try change.closedTasks.compactMap { token in
            try Row.fetchOne(db.cachedStatement(sql: "DELETE FROM workflow_task WHERE token = ? RETURNING *"), arguments: [token])
                .map(Self.task)
        }
    }

    public func execution(arn: String) async throws -> ExecutionRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM execution WHERE arn = ?"), arguments: [arn]).map(Self.execution)
        }
    }

    public func executions(stateMachineArn: String?, status: String?, limit: Int) async throws -> [ExecutionRecord] {
        try await read { db in
            var sql = "SELECT * FROM execution WHERE 1 = 1"
            var arguments: StatementArguments = []
            if let stateMachineArn {
                sql += " AND state_machine_arn = ?"
                _ = arguments.append(contentsOf: [stateMachineArn])
            }
            if let status {
                sql += " AND status = ?"
                _ = arguments.append(contentsOf: [status])
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.execution)
        }
    }

    public func history(arn: String, after: Int, limit: Int) async throws -> [Data] {
        try await read { db in
            try Data.fetchAll(
                db, sql: "SELECT document FROM execution_event WHERE execution_arn = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [arn, after, limit])
        }
    }

    public func purgeExecutions(stoppedBefore date: Date) async throws -> Int {
        try await write { db in
            let ended = "SELECT arn FROM execution WHERE stopped_at < ?"
            let cutoff = date.timeIntervalSince1970
            try Column.execute("DELETE FROM execution_event WHERE execution_arn IN (\(ended))", [cutoff], db)
            try Column.execute("DELETE FROM workflow_task WHERE execution_arn IN (\(ended))", [cutoff], db)
            try Column.execute("DELETE FROM execution WHERE stopped_at < ?", [cutoff], db)
            return db.changesCount
        }
    }

    public func dueExecutions(at time: Double, limit: Int) async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db, sql: "SELECT arn FROM execution WHERE next_wakeup <= ? ORDER BY next_wakeup LIMIT ?", arguments: [time, limit])
        }
    }

    public func claimPendingTasks(lease: Lease, now: Date, limit: Int) async throws -> [WorkflowTaskRecord] {
        try await write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE workflow_task SET lease_until = ?
                    WHERE seq IN (
                        SELECT seq FROM workflow_task
                        WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < ?) ORDER BY seq LIMIT ?)
                    RETURNING *
                    """,
                arguments: [lease.until.timeIntervalSince1970, now.timeIntervalSince1970, limit]
            ).map(Self.task)
        }
    }

    public func setTaskLeases(tokens: [String], until: Date) async throws {
        guard !tokens.isEmpty else { return }
        try await write { db in
            for token in tokens {
                try Column.execute(
                    "UPDATE workflow_task SET lease_until = ? WHERE token = ? AND status = 'pending'", [until.timeIntervalSince1970, token], db)
            }
        }
    }

    public func task(token: String) async throws -> WorkflowTaskRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workflow_task WHERE token = ?", arguments: [token]).map(Self.task)
        }
    }

    public func markTaskDispatched(token: String, handle: String?) async throws -> Bool {
        try await write { db in
            try Column.execute("UPDATE workflow_task SET status = 'dispatched', handle = ? WHERE token = ?", [handle, token], db)
            return db.changesCount == 1
        }
    }

    public func claimActivityTask(resource: String, worker: String) async throws -> WorkflowTaskRecord? {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM workflow_task WHERE status = 'queued' AND resource = ? ORDER BY seq LIMIT 1",
                    arguments: [resource])
            else { return nil }
            var task = Self.task(row)
            try Column.execute("UPDATE workflow_task SET status = 'dispatched', worker = ? WHERE token = ?", [worker, task.token], db)
            task.status = .dispatched
            task.worker = worker
            return task
        }
    }

    private static func stateMachine(_ row: Row) -> StateMachineRecord {
        StateMachineRecord(
            arn: row["arn"], name: row["name"], definition: row["definition"], roleArn: row["role_arn"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    private static func execution(_ row: Row) -> ExecutionRecord {
        ExecutionRecord(
            arn: row["arn"], stateMachineArn: row["state_machine_arn"], name: row["name"], status: row["status"],
            startedAt: Date(timeIntervalSince1970: row["started_at"]),
            stoppedAt: (row["stopped_at"] as Double?).map(Date.init(timeIntervalSince1970:)), state: row["state"],
            version: row["version"], nextWakeup: row["next_wakeup"])
    }

    private static func task(_ row: Row) -> WorkflowTaskRecord {
        WorkflowTaskRecord(
            token: row["token"], executionArn: row["execution_arn"], resource: row["resource"], input: row["input"],
            status: WorkflowTaskRecord.Status(rawValue: row["status"]) ?? .pending, worker: row["worker"], handle: row["handle"])
    }
}
