import Foundation

extension MemoryStore {
    struct WorkflowState {
        var machines: [String: StateMachineRecord] = [:]
        var activities: [String: (arn: String, name: String, createdAt: Date)] = [:]
        var executions: [String: (seq: Int, record: ExecutionRecord)] = [:]
        var events: [String: [(id: Int, document: Data)]] = [:]
        var tasks: [String: (seq: Int, task: WorkflowTaskRecord, leaseUntil: Date?)] = [:]
        var seq = 0

        mutating func nextSeq() -> Int {
            seq += 1
            return seq
        }

        /// Applies the change's events and tasks; returns the closed tasks.
        @discardableResult
        mutating func apply(_ change: ExecutionWrite) -> [WorkflowTaskRecord] {
            events[change.record.arn, default: []].append(contentsOf: change.events)
            for task in change.newTasks { tasks[task.token] = (nextSeq(), task, nil) }
            return change.closedTasks.compactMap { tasks.removeValue(forKey: $0)?.task }
        }

        func tasks(where include: (WorkflowTaskRecord, Date?) -> Bool) -> [(seq: Int, task: WorkflowTaskRecord, leaseUntil: Date?)] {
            tasks.values.filter { include($0.task, $0.leaseUntil) }.sorted { $0.seq < $1.seq }
        }
    }
}

extension MemoryStore: WorkflowStore {
    public func createStateMachine(_ record: StateMachineRecord) async throws {
        try workflows.withLock { state in
            guard state.machines[record.arn] == nil, !state.machines.values.contains(where: { $0.name == record.name }) else {
                throw StoreError.conflict("A state machine named \(record.name) exists")
            }
            state.machines[record.arn] = record
        }
    }

    public func stateMachine(arn: String) async throws -> StateMachineRecord? { workflows.withLock { $0.machines[arn] } }

    public func stateMachines() async throws -> [StateMachineRecord] {
        workflows.withLock { $0.machines.values.sorted { $0.name < $1.name } }
    }

    public func deleteStateMachine(arn: String) async throws {
        try workflows.withLock { state in
            guard state.machines.removeValue(forKey: arn) != nil else { throw StoreError.notFound("No state machine \(arn)") }
        }
    }

    public func createActivity(arn: String, name: String, createdAt: Date) async throws {
        try workflows.withLock { state in
            guard !state.activities.values.contains(where: { $0.name == name }) else {
                throw StoreError.conflict("An activity named \(name) exists")
            }
            state.activities[arn] = (arn, name, createdAt)
        }
    }

    public func activities() async throws -> [(arn: String, name: String, createdAt: Date)] {
        workflows.withLock { $0.activities.values.sorted { $0.name < $1.name } }
    }

    public func insertExecution(_ change: ExecutionWrite) async throws {
        try workflows.withLock { state in
            guard state.executions[change.record.arn] == nil else {
                throw StoreError.conflict("An execution named \(change.record.name) exists")
            }
            state.executions[change.record.arn] = (state.nextSeq(), change.record)
            state.apply(change)
        }
    }

    public func updateExecution(_ change: ExecutionWrite) async throws -> [WorkflowTaskRecord] {
        try workflows.withLock { state in
            guard let row = state.executions[change.record.arn], row.record.version == change.record.version - 1 else {
                throw StoreError.conflict("Execution \(change.record.arn) changed meanwhile")
            }
            state.executions[change.record.arn] = (row.seq, change.record)
            return state.apply(change)
        }
    }

    public func execution(arn: String) async throws -> ExecutionRecord? { workflows.withLock { $0.executions[arn]?.record } }

    public func executions(stateMachineArn: String?, status: String?, limit: Int) async throws -> [ExecutionRecord] {
        workflows.withLock { state in
            state.executions.values
                .filter { (stateMachineArn == nil || $0.record.stateMachineArn == stateMachineArn) && (status == nil || $0.record.status == status) }
                .sorted { $0.seq > $1.seq }.prefix(limit).map(\.record)
        }
    }

    public func history(arn: String, after: Int, limit: Int) async throws -> [Data] {
        workflows.withLock { state in
            (state.events[arn] ?? []).filter { $0.id > after }.sorted { $0.id < $1.id }.prefix(limit).map(\.document)
        }
    }

    public func purgeExecutions(stoppedBefore date: Date) async throws -> Int {
        workflows.withLock { state in
            let gone = state.executions.values.filter { ($0.record.stoppedAt ?? .distantFuture) < date }.map(\.record.arn)
            for arn in gone {
                state.executions[arn] = nil
                state.events[arn] = nil
            }
            state.tasks = state.tasks.filter { !gone.contains($0.value.task.executionArn) }
            return gone.count
        }
    }

    public func dueExecutions(at time: Double, limit: Int) async throws -> [String] {
        workflows.withLock { state in
            state.executions.values.compactMap { row in row.record.nextWakeup.map { (row.record.arn, $0) } }
                .filter { $0.1 <= time }.sorted { $0.1 < $1.1 }.prefix(limit).map(\.0)
        }
    }

    public func claimPendingTasks(lease: Lease, now: Date, limit: Int) async throws -> [WorkflowTaskRecord] {
        workflows.withLock { state in
            let claimed = state.tasks { task, leaseUntil in task.status == .pending && (leaseUntil.map { $0 < now } ?? true) }.prefix(limit)
            for row in claimed { state.tasks[row.task.token]?.leaseUntil = lease.until }
            return claimed.map(\.task)
        }
    }

    public func setTaskLeases(tokens: [String], until: Date) async throws {
        workflows.withLock { state in
            for token in tokens where state.tasks[token]?.task.status == .pending { state.tasks[token]?.leaseUntil = until }
        }
    }

    public func task(token: String) async throws -> WorkflowTaskRecord? { workflows.withLock { $0.tasks[token]?.task } }

    public func markTaskDispatched(token: String, handle: String?) async throws -> Bool {
        workflows.withLock { state in
            guard state.tasks[token] != nil else { return false }
            state.tasks[token]?.task.status = .dispatched
            state.tasks[token]?.task.handle = handle
            state.tasks[token]?.leaseUntil = nil
            return true
        }
    }

    public func claimActivityTask(resource: String, worker: String) async throws -> WorkflowTaskRecord? {
        workflows.withLock { state in
            guard var task = state.tasks(where: { task, _ in task.status == .queued && task.resource == resource }).first?.task
            else { return nil }
            task.status = .dispatched
            task.worker = worker
            state.tasks[task.token]?.task = task
            return task
        }
    }
}
