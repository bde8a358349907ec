import Foundation
import MediaflowStore
import PostgresNIO

/// State machines, executions and their tasks on PostgreSQL. Times are seconds since 1970 as
/// `DOUBLE PRECISION`, so records read back exactly; an execution changes only at the version it
/// was read at; pending and activity tasks are claimed with `FOR UPDATE SKIP LOCKED`.
extension PostgresStore: WorkflowStore {
    public func createStateMachine(_ record: StateMachineRecord) async throws {
        let rows = try await query(
            """
            INSERT INTO state_machine (arn, name, definition, role_arn, created_at)
            VALUES (\(record.arn), \(record.name), \(record.definition), \(record.roleArn), \(record.createdAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING arn
            """)
        guard rows.count == 1 else { throw StoreError.conflict("A state machine named \(record.name) exists") }
    }

    public func stateMachine(arn: String) async throws -> StateMachineRecord? {
        try stateMachines(try await query("SELECT arn, name, definition, role_arn, created_at FROM state_machine WHERE arn = \(arn)")).first
    }

    public func stateMachines() async throws -> [StateMachineRecord] {
        try stateMachines(try await query("SELECT arn, name, definition, role_arn, created_at FROM state_machine ORDER BY name"))
    }

    public func deleteStateMachine(arn: String) async throws {
        let rows = try await query("DELETE FROM state_machine WHERE arn = \(arn) RETURNING arn")
        guard rows.count == 1 else { throw StoreError.notFound("No state machine \(arn)") }
    }

    public func createActivity(arn: String, name: String, createdAt: Date) async throws {
        let rows = try await query(
            """
            INSERT INTO activity (arn, name, created_at) VALUES (\(arn), \(name), \(createdAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING arn
            """)
        guard rows.count == 1 else { throw StoreError.conflict("An activity named \(name) exists") }
    }

    public func activities() async throws -> [(arn: String, name: String, createdAt: Date)] {
        try await query("SELECT arn, name, created_at FROM activity ORDER BY name").decode((String, String, Double).self).map {
            arn, name, created in (arn, name, Date(timeIntervalSince1970: created))
        }
    }

    public func insertExecution(_ change: ExecutionWrite) async throws {
        let record = change.record
        try await transaction { connection in
            let rows = try await connection.query(
                """
                INSERT INTO execution (arn, state_machine_arn, name, status, started_at, stopped_at, state, version, next_wakeup)
                VALUES (\(record.arn), \(record.stateMachineArn), \(record.name), \(record.status),
                    \(record.startedAt.timeIntervalSince1970), \(record.stoppedAt?.timeIntervalSince1970), \(record.state),
                    \(record.version), \(record.nextWakeup))
                ON CONFLICT (arn) DO NOTHING RETURNING arn
                """)
            guard rows.count == 1 else { throw StoreError.conflict("An execution named \(record.name) exists") }
            try await applyRest(of: change, connection)
        }
    }

    public func updateExecution(_ change: ExecutionWrite) async throws -> [WorkflowTaskRecord] {
        let record = change.record
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                UPDATE execution SET status = \(record.status), stopped_at = \(record.stoppedAt?.timeIntervalSince1970),
                    state = \(record.state), version = \(record.version), next_wakeup = \(record.nextWakeup)
                WHERE arn = \(record.arn) AND version = \(record.version - 1) RETURNING arn
                """)
            guard rows.count == 1 else { throw StoreError.conflict("Execution \(record.arn) changed meanwhile") }
            return try await applyRest(of: change, connection)
        }
    }

    /// Writes the change's events and tasks; returns the closed tasks as deleted.
    @discardableResult
    private func applyRest(of change: ExecutionWrite, _ connection: OpenConnection) async throws -> [WorkflowTaskRecord] {
        let arn = change.record.arn
        for event in change.events {
            try await connection.query(
                "INSERT INTO execution_event (execution_arn, id, document) VALUES (\(arn), \(event.id), \(event.document))")
        }
        for task in change.newTasks {
            try await connection.query(
                """
                INSERT INTO workflow_task (token, execution_arn, resource, input, status)
                VALUES (\(task.token), \(task.executionArn), \(task.resource), \(task.input), \(task.status.rawValue))
                """)
        }
        if !change.newTasks.isEmpty {
            try await announce(on: Self.workflowChannel, connection)
        }
        guard !change.closedTasks.isEmpty else { return [] }
        return try tasks(
            try await connection.query(
                "DELETE FROM workflow_task WHERE token = ANY(\(change.closedTasks)) RETURNING \(unescaped: Self.taskColumns)"))
    }

    public func execution(arn: String) async throws -> ExecutionRecord? {
        try executions(try await query("SELECT \(unescaped: Self.executionColumns) FROM execution WHERE arn = \(arn)")).first
    }

    public func executions(stateMachineArn: String?, status: String?, limit: Int) async throws -> [ExecutionRecord] {
        try executions(
            try await query(
                """
                SELECT \(unescaped: Self.executionColumns) FROM execution
                WHERE (\(stateMachineArn)::text IS NULL OR state_machine_arn = \(stateMachineArn))
                    AND (\(status)::text IS NULL OR status = \(status))
                ORDER BY seq DESC LIMIT \(limit)
                """))
    }

    public func history(arn: String, after: Int, limit: Int) async throws -> [Data] {
        try await query(
            "SELECT document FROM execution_event WHERE execution_arn = \(arn) AND id > \(after) ORDER BY id LIMIT \(limit)"
        ).decode(ByteBuffer.self).map { Data($0.readableBytesView) }
    }

    public func purgeExecutions(stoppedBefore date: Date) async throws -> Int {
        let rows = try await query(
            """
            WITH gone AS (DELETE FROM execution WHERE stopped_at < \(date.timeIntervalSince1970) RETURNING arn),
                events AS (DELETE FROM execution_event WHERE execution_arn IN (SELECT arn FROM gone)),
                tasks AS (DELETE FROM workflow_task WHERE execution_arn IN (SELECT arn FROM gone))
            SELECT count(*) FROM gone
            """)
        return try rows.decode(Int.self).first ?? 0
    }

    public func dueExecutions(at time: Double, limit: Int) async throws -> [String] {
        try await query(
            "SELECT arn FROM execution WHERE next_wakeup <= \(time) ORDER BY next_wakeup LIMIT \(limit)"
        ).decode(String.self)
    }

    public func claimPendingTasks(lease: Lease, now: Date, limit: Int) async throws -> [WorkflowTaskRecord] {
        try tasks(
            try await query(
                """
                UPDATE workflow_task SET lease_owner = \(lease.owner), lease_until = \(lease.until.timeIntervalSince1970)
                WHERE seq IN (
                    SELECT seq FROM workflow_task
                    WHERE status = 'pending' AND (lease_until IS NULL OR lease_until < \(now.timeIntervalSince1970))
                    ORDER BY seq LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.taskColumns)
                """))
    }

    public func setTaskLeases(tokens: [String], until: Date) async throws {
        guard !tokens.isEmpty else { return }
        try await query(
            "UPDATE workflow_task SET lease_until = \(until.timeIntervalSince1970) WHERE token = ANY(\(tokens)) AND status = 'pending'")
    }

    public func task(token: String) async throws -> WorkflowTaskRecord? {
        try tasks(try await query("SELECT \(unescaped: Self.taskColumns) FROM workflow_task WHERE token = \(token)")).first
    }

    public func markTaskDispatched(token: String, handle: String?) async throws -> Bool {
        let updated = try await query(
            """
            UPDATE workflow_task SET status = 'dispatched', handle = \(handle), lease_owner = NULL, lease_until = NULL
            WHERE token = \(token) RETURNING token
            """)
        return !updated.isEmpty
    }

    public func claimActivityTask(resource: String, worker: String) async throws -> WorkflowTaskRecord? {
        try tasks(
            try await query(
                """
                UPDATE workflow_task SET status = 'dispatched', worker = \(worker)
                WHERE seq = (
                    SELECT seq FROM workflow_task WHERE status = 'queued' AND resource = \(resource)
                    ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.taskColumns)
                """)
        ).first
    }

    private static let executionColumns = "arn, state_machine_arn, name, status, started_at, stopped_at, state, version, next_wakeup"
    private static let taskColumns = "token, execution_arn, resource, input, status, worker, handle"

    private func stateMachines(_ rows: [PostgresRow]) throws -> [StateMachineRecord] {
        try rows.decode((String, String, String, String, Double).self).map { arn, name, definition, role, created in
            StateMachineRecord(arn: arn, name: name, definition: definition, roleArn: role, createdAt: Date(timeIntervalSince1970: created))
        }
    }

    private func executions(_ rows: [PostgresRow]) throws -> [ExecutionRecord] {
        try rows.decode((String, String, String, String, Double, Double?, ByteBuffer, Int, Double?).self).map {
            arn, machine, name, status, started, stopped, state, version, wakeup in
            ExecutionRecord(
                arn: arn, stateMachineArn: machine, name: name, status: status, startedAt: Date(timeIntervalSince1970: started),
                stoppedAt: stopped.map(Date.init(timeIntervalSince1970:)), state: Data(state.readableBytesView), version: version,
                nextWakeup: wakeup)
        }
    }

    private func tasks(_ rows: [PostgresRow]) throws -> [WorkflowTaskRecord] {
        try rows.decode((String, String, String, ByteBuffer, String, String?, String?).self).map {
            token, execution, resource, input, status, worker, handle in
            WorkflowTaskRecord(
                token: token, executionArn: execution, resource: resource, input: Data(input.readableBytesView),
                status: WorkflowTaskRecord.Status(rawValue: status) ?? .pending, worker: worker, handle: handle)
        }
    }
}
