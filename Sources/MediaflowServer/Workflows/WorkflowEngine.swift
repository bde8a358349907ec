import Foundation
import Logging
import MediaflowStates
import MediaflowStore
import Synchronization

/// Runs state machines durably: every step of the interpreter is written (new state, history
/// events, scheduled tasks) in one transaction before its actions are performed.
final class WorkflowEngine: Sendable {
    let store: any WorkflowStore
    let logger: Logger
    /// Wakes the run loop: a task to dispatch or a timer to set.
    let signal = WorkSignal()
    private let interpreters = Mutex<[String: StateMachineInterpreter]>([:])
    /// Tasks executions gave up on, for the runner to call off.
    private let abandoned = Mutex<[WorkflowTaskRecord]>([])

    init(store: any WorkflowStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Validates and stores a state machine. - Throws: `DefinitionError`, `StoreError.conflict`.
    func createStateMachine(name: String, definition: JSONValue, roleArn: String?) async throws -> StateMachineRecord {
        let machine = try StateMachine(definition: definition)
        let record = StateMachineRecord(
            arn: WorkflowNames.stateMachineArn(name), name: name, definition: JSONText.serialize(definition),
            roleArn: roleArn ?? "arn:aws:iam::000000000000:role/mediaflow", createdAt: Timestamp.now())
        try await store.createStateMachine(record)
        interpreters.withLock { $0[record.arn] = StateMachineInterpreter(machine: machine) }
        return record
    }

    /// Starts an execution; it has run as far as it can when this returns.
    func startExecution(stateMachineArn: String, name: String?, input: JSONValue) async throws -> ExecutionRecord {
        guard let machineRecord = try await store.stateMachine(arn: stateMachineArn) else {
            throw StoreError.notFound("No state machine \(stateMachineArn)")
        }
        let interpreter = try await interpreter(for: stateMachineArn)
        let executionName = name ?? UniqueID.make()
        let arn = WorkflowNames.executionArn(machine: machineRecord.name, name: executionName)
        let identity = ExecutionIdentity(
            executionArn: arn, name: executionName, stateMachineArn: stateMachineArn, stateMachineName: machineRecord.name,
            roleArn: machineRecord.roleArn)
        let now = Date().timeIntervalSince1970
        let (state, step) = interpreter.start(identity: identity, input: input, seed: UInt64.random(in: 0...UInt64.max), now: now)
        let change = try write(state, step, arn: arn, stateMachineArn: stateMachineArn, version: 0, closing: nil)
        try await store.insertExecution(change)
        afterWrite(step)
        return change.record
    }

    /// Applies an event to an execution, retrying when a concurrent event got there first.
    /// - Returns: whether the execution accepted it (false for an unknown or finished task token).
    @discardableResult
    func deliver(_ event: ExecutionEvent, to arn: String, closing token: String? = nil) async throws -> Bool {
        for _ in 0..<20 {
            guard let record = try await store.execution(arn: arn) else { throw StoreError.notFound("No execution \(arn)") }
            var state = try record.interpreterState()
            let step = try await interpreter(for: record.stateMachineArn).handle(event, in: &state, now: Date().timeIntervalSince1970)
            if step.events.isEmpty && step.actions.isEmpty { return step.accepted }
            let change = try write(
                state, step, arn: arn, stateMachineArn: record.stateMachineArn, version: record.version + 1,
                closing: step.accepted ? token : nil)
            let closed: [WorkflowTaskRecord]
            do {
                closed = try await store.updateExecution(change)
            } catch let error as StoreError where error.isConflict {
                continue
            }
            // As deleted, a task given up has the job it started if that was recorded first; if not, recording
            // it finds the task gone and the runner cancels the job (see `TaskResourceRunner.perform`).
            let cancelled = Set(step.actions.compactMap { action -> String? in
                guard case .cancelTask(let token) = action else { return nil }
                return TaskToken.make(executionArn: arn, token: token)
            })
            let givenUp = closed.filter { cancelled.contains($0.token) }
            if !givenUp.isEmpty { abandoned.withLock { $0 += givenUp } }
            afterWrite(step)
            return step.accepted
        }
        throw StoreError.unavailable("Execution \(arn) is changing too fast to apply the event")
    }

    /// The tasks executions gave up on (timed out, stopped, in a failed branch) since the last call.
    func takeAbandonedTasks() -> [WorkflowTaskRecord] {
        abandoned.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
    }

    /// The compiled state machine, read from the store the first time this node needs it (another
    /// node sharing the database may have created it).
    func interpreter(for stateMachineArn: String) async throws -> StateMachineInterpreter {
        if let cached = interpreters.withLock({ $0[stateMachineArn] }) { return cached }
        guard let record = try await store.stateMachine(arn: stateMachineArn) else {
            throw StoreError.notFound("No state machine \(stateMachineArn)")
        }
        let interpreter = StateMachineInterpreter(machine: try StateMachine(json: record.definition))
        interpreters.withLock { $0[record.arn] = interpreter }
        return interpreter
    }

    func forget(stateMachineArn: String) {
        _ = interpreters.withLock { $0.removeValue(forKey: stateMachineArn) }
    }

    private func write(
        _ state: ExecutionState, _ step: ExecutionStep, arn: String, stateMachineArn: String, version: Int, closing token: String?
    ) throws -> ExecutionWrite {
        let record = ExecutionRecord(
            arn: arn, stateMachineArn: stateMachineArn, name: state.identity.name, status: state.status.rawValue,
            startedAt: Date(timeIntervalSince1970: state.startTime), stoppedAt: state.stopTime.map(Date.init(timeIntervalSince1970:)),
            state: try ProtocolJSON.encode(state), version: version, nextWakeup: state.nextWakeup)
        var newTasks: [WorkflowTaskRecord] = []
        var closed: [String] = token.map { [$0] } ?? []
        for action in step.actions {
            switch action {
            case .runTask(let task):
                newTasks.append(
                    WorkflowTaskRecord(
                        token: TaskToken.make(executionArn: arn, token: task.token), executionArn: arn, resource: task.resource,
                        input: try ProtocolJSON.encode(task), status: TaskResource(task.resource).isActivity ? .queued : .pending))
            case .cancelTask(let token):
                closed.append(TaskToken.make(executionArn: arn, token: token))
            }
        }
        let events = step.events.map { (id: $0.id, document: Data(JSONText.serialize(HistoryDocument.json($0)).utf8)) }
        return ExecutionWrite(record: record, events: events, newTasks: newTasks, closedTasks: closed)
    }

    private func afterWrite(_ step: ExecutionStep) {
        if !step.actions.isEmpty { signal.notify() }
    }
}

extension ExecutionRecord {
    /// The interpreter state the execution resumes from.
    func interpreterState() throws -> ExecutionState { try ProtocolJSON.decode(ExecutionState.self, from: state) }
}
