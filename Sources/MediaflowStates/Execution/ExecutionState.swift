/// The status of an execution, named as Step Functions names it.
public enum ExecutionStatus: String, Codable, Sendable, CaseIterable {
    case running = "RUNNING", succeeded = "SUCCEEDED", failed = "FAILED", timedOut = "TIMED_OUT", aborted = "ABORTED"
}

/// Who an execution is: the names and ARNs the context object (`$$.Execution`, `$$.StateMachine`) shows.
public struct ExecutionIdentity: Codable, Sendable, Hashable {
    public var executionArn: String
    public var name: String
    public var stateMachineArn: String
    public var stateMachineName: String
    public var roleArn: String

    public init(executionArn: String, name: String, stateMachineArn: String, stateMachineName: String, roleArn: String) {
        self.executionArn = executionArn
        self.name = name
        self.stateMachineArn = stateMachineArn
        self.stateMachineName = stateMachineName
        self.roleArn = roleArn
    }
}

/// Everything about a running or finished execution, as a value: the interpreter changes it in
/// response to events, the driver persists it. Times are seconds since 1970.
public struct ExecutionState: Codable, Sendable {
    public internal(set) var status: ExecutionStatus
    public let identity: ExecutionIdentity
    public let input: JSONValue
    public let startTime: Double
    public internal(set) var output: JSONValue?
    public internal(set) var error: StatesError?
    public internal(set) var stopTime: Double?
    /// How many states have been entered so far.
    public internal(set) var transitions = 0
    var fibers: [Int: Fiber] = [:]
    var nextFiberID = 0
    var lastEventID = 0
    var random: SplitMix64
    var deadline: Double?
    var tokens: [String: Int] = [:]

    init(identity: ExecutionIdentity, input: JSONValue, startTime: Double, seed: UInt64) {
        self.status = .running
        self.identity = identity
        self.input = input
        self.startTime = startTime
        self.random = SplitMix64(state: seed)
    }

    /// When the execution next needs a `.tick`: the earliest timer, task deadline or execution
    /// deadline; nil when it only waits for task results (or has finished).
    public var nextWakeup: Double? {
        guard status == .running else { return nil }
        var earliest = deadline
        for fiber in fibers.values {
            guard let due = fiber.waiting?.due else { continue }
            earliest = min(earliest ?? due, due)
        }
        return earliest
    }

    /// The task tokens the execution is waiting on.
    public var pendingTaskTokens: [String] { Array(tokens.keys) }
}

/// A thread of control: the top level, a Parallel branch, or a Map iteration.
struct Fiber: Codable, Sendable {
    let id: Int
    let parent: Int?
    let slot: Int
    let scope: Int
    var stateName: String
    var input: JSONValue
    var variables: JSONObject
    var retryCounts: [Int] = []
    var enteredAt = 0.0
    var enteredEventID = 0
    var lastEventID = 0
    var waiting: Waiting?
}

/// What a fiber is waiting for.
enum Waiting: Codable, Sendable {
    /// A Wait state that leaves with `output` at `until`.
    case wait(until: Double, output: JSONValue)
    /// A Retry interval; the state is entered again at `until`.
    case retry(until: Double)
    case task(TaskWait)
    case children(ChildJoin)

    var due: Double? {
        switch self {
        case .wait(let until, _), .retry(let until): until
        case .task(let task): [task.deadline, task.heartbeatDeadline].compactMap { $0 }.min()
        case .children: nil
        }
    }
}

/// A Task state waiting for its result.
struct TaskWait: Codable, Sendable {
    let token: String
    let resource: String
    var deadline: Double?
    var heartbeatSeconds: Double?
    var heartbeatDeadline: Double?
}

/// A Parallel or Map state waiting for its branches or iterations.
struct ChildJoin: Codable, Sendable {
    let isMap: Bool
    /// The state's input after InputPath (and Parameters for Parallel): `$` in ItemSelector.
    let effectiveInput: JSONValue
    /// Map: the items (or batches) still to be processed, in order.
    var items: [JSONValue]
    var results: [JSONValue?]
    var started = 0
    var running = 0
    var finished = 0
    var failures = 0
    let maxConcurrency: Int
    let toleratedCount: Int?
    let toleratedPercentage: Double?
    var children: Set<Int> = []
}
