import Foundation

/// A state machine as stored: its ASL definition text and identity.
public struct StateMachineRecord: Sendable, Equatable {
    public var arn: String
    public var name: String
    public var definition: String
    public var roleArn: String
    public var createdAt: Date

    public init(arn: String, name: String, definition: String, roleArn: String, createdAt: Date) {
        self.arn = arn
        self.name = name
        self.definition = definition
        self.roleArn = roleArn
        self.createdAt = createdAt
    }
}

/// An execution as stored: the summary columns clients query, and the interpreter's state as an
/// opaque document that only the workflow engine reads.
public struct ExecutionRecord: Sendable, Equatable {
    public var arn: String
    public var stateMachineArn: String
    public var name: String
    public var status: String
    public var startedAt: Date
    public var stoppedAt: Date?
    /// The interpreter state (JSON) the engine resumes from.
    public var state: Data
    /// Increments with every write; a write names the version it read.
    public var version: Int
    /// When the engine must next look at the execution (timers), seconds since 1970.
    public var nextWakeup: Double?

    public init(
        arn: String, stateMachineArn: String, name: String, status: String, startedAt: Date, stoppedAt: Date?, state: Data,
        version: Int, nextWakeup: Double?
    ) {
        self.arn = arn
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.status = status
        self.startedAt = startedAt
        self.stoppedAt = stoppedAt
        self.state = state
        self.version = version
        self.nextWakeup = nextWakeup
    }
}

/// A task an execution handed out, kept until it completes: the dispatch outbox for jobs and HTTP
/// calls, and the queue activity workers poll.
public struct WorkflowTaskRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Written with the transition that scheduled it; not yet handed to its resource.
        case pending
        /// An activity task waiting for a worker's GetActivityTask.
        case queued
        /// Handed out (job started, activity given to a worker); waiting for the result.
        case dispatched
    }

    public var token: String
    public var executionArn: String
    public var resource: String
    public var input: Data
    public var status: Status
    public var worker: String?
    /// What the task was handed to, for calling it off: the URL of the job it started.
    public var handle: String?

    public init(
        token: String, executionArn: String, resource: String, input: Data, status: Status = .pending, worker: String? = nil,
        handle: String? = nil
    ) {
        self.token = token
        self.executionArn = executionArn
        self.resource = resource
        self.input = input
        self.status = status
        self.worker = worker
        self.handle = handle
    }
}

/// One atomic change to an execution: its new record, the history events to append (id and
/// JSON), the tasks it scheduled, and the tasks that are over.
public struct ExecutionWrite: Sendable {
    public var record: ExecutionRecord
    public var events: [(id: Int, document: Data)]
    public var newTasks: [WorkflowTaskRecord]
    public var closedTasks: [String]

    public init(record: ExecutionRecord, events: [(id: Int, document: Data)], newTasks: [WorkflowTaskRecord], closedTasks: [String]) {
        self.record = record
        self.events = events
        self.newTasks = newTasks
        self.closedTasks = closedTasks
    }
}

/// What the workflow engine keeps: state machines, activities, executions with their history,
/// and the tasks they are waiting on.
public protocol WorkflowStore: Sendable {
    /// - Throws: `StoreError.conflict` when the name is taken.
    func createStateMachine(_ record: StateMachineRecord) async throws
    func stateMachine(arn: String) async throws -> StateMachineRecord?
    func stateMachines() async throws -> [StateMachineRecord]
    /// - Throws: `StoreError.notFound`.
    func deleteStateMachine(arn: String) async throws

    /// - Throws: `StoreError.conflict` when the name is taken.
    func createActivity(arn: String, name: String, createdAt: Date) async throws
    func activities() async throws -> [(arn: String, name: String, createdAt: Date)]

    /// Writes a new execution. - Throws: `StoreError.conflict` when its ARN exists.
    func insertExecution(_ write: ExecutionWrite) async throws
    /// Writes a change read at `write.record.version - 1`.
    /// - Returns: the closed tasks as they were when deleted (with the handle of a job started an instant before).
    /// - Throws: `StoreError.conflict` when another writer got there first.
    @discardableResult
    func updateExecution(_ write: ExecutionWrite) async throws -> [WorkflowTaskRecord]
    func execution(arn: String) async throws -> ExecutionRecord?
    /// Executions newest first, optionally of one state machine and one status.
    func executions(stateMachineArn: String?, status: String?, limit: Int) async throws -> [ExecutionRecord]
    /// History event documents with ids above `after`, in order.
    func history(arn: String, after: Int, limit: Int) async throws -> [Data]
    /// Deletes the executions that ended before `date`, with their history and tasks.
    /// - Returns: how many executions were deleted.
    func purgeExecutions(stoppedBefore date: Date) async throws -> Int
    /// Running executions whose next wake-up is at or before `time`.
    func dueExecutions(at time: Double, limit: Int) async throws -> [String]

    /// Takes up to `limit` tasks written but not yet handed to their resource, for `lease.owner` to
    /// hand over before `lease.until`; a task whose lease ran out by `now` (its node died before handing
    /// it over) is taken again. Activity tasks wait `queued` instead.
    func claimPendingTasks(lease: Lease, now: Date, limit: Int) async throws -> [WorkflowTaskRecord]
    /// Moves the end of the leases of tasks still pending: later, for tasks still being handed over (a long
    /// function call, say); to the past, for tasks a stopping node gives up, which the next claim then takes.
    func setTaskLeases(tokens: [String], until: Date) async throws
    func task(token: String) async throws -> WorkflowTaskRecord?
    /// Records that the task was handed over, and to what (`handle`: a job's URL); false when the task is
    /// gone, its execution having given it up meanwhile.
    @discardableResult
    func markTaskDispatched(token: String, handle: String?) async throws -> Bool
    /// Gives the oldest pending task of an activity to a worker, or nil.
    func claimActivityTask(resource: String, worker: String) async throws -> WorkflowTaskRecord?
}
