/// Something that happens to an execution from outside: the interpreter's input.
public enum ExecutionEvent: Sendable {
    /// Time has passed: fire the timers and deadlines that are due.
    case tick
    /// A worker took an activity task.
    case taskStarted(token: String, worker: String)
    case taskSucceeded(token: String, output: JSONValue)
    case taskFailed(token: String, error: String?, cause: String?)
    case taskHeartbeat(token: String)
    /// StopExecution: the execution ends ABORTED.
    case stop(error: String?, cause: String?)
}

/// Work the driver performs after it has persisted a step: the interpreter's output.
public enum ExecutionAction: Sendable, Equatable {
    case runTask(TaskInvocation)
    case cancelTask(token: String)
}

/// A Task state's call to its resource.
public struct TaskInvocation: Sendable, Equatable, Codable {
    public let token: String
    public let resource: String
    public let input: JSONValue
    public let stateName: String
    public let timeoutSeconds: Double?
    public let heartbeatSeconds: Double?
}

/// What one event did: history events to append and actions to perform, in order.
public struct ExecutionStep: Sendable {
    public internal(set) var events: [HistoryEvent] = []
    public internal(set) var actions: [ExecutionAction] = []
    /// False when the event named a task token the execution is not waiting on.
    public internal(set) var accepted = true
}

/// One entry of an execution's history, with the type and details GetExecutionHistory returns.
public struct HistoryEvent: Codable, Sendable, Hashable {
    public let id: Int
    public let previousEventId: Int
    /// Seconds since 1970.
    public let timestamp: Double
    public let type: String
    /// The name of the details member, e.g. `stateEnteredEventDetails`.
    public let detailsKey: String?
    public let details: JSONValue?
}
