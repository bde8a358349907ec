/// One pass of the interpreter over an execution: applies an event, then runs every ready fiber
/// until all of them wait or the execution ends.
struct ExecutionRun {
    let machine: StateMachine
    var state: ExecutionState
    let now: Double
    var step = ExecutionStep()
    var ready: [Int] = []
    /// Set when an event was dropped at the history's limit (see `emit`).
    var historyIsFull = false

    init(machine: StateMachine, state: ExecutionState, now: Double) {
        self.machine = machine
        self.state = state
        self.now = now
    }

    var isRunning: Bool { state.status == .running }

    func node(of fiber: Fiber) -> StateNode { machine.scopes[fiber.scope].states[fiber.stateName]! }

    mutating func begin() {
        emit(nil, "ExecutionStarted", "executionStartedEventDetails", [
            "input": .string(JSONText.serialize(state.input)), "roleArn": .string(state.identity.roleArn),
        ])
        if let timeout = machine.timeoutSeconds { state.deadline = now + timeout }
        let root = spawn(parent: nil, slot: 0, scope: 0, input: state.input, variables: [:])
        ready.append(root)
    }

    mutating func apply(_ event: ExecutionEvent) {
        switch event {
        case .tick: fireDueTimers()
        case .taskSucceeded(let token, let output): completeTask(token: token, output: output)
        case .taskFailed(let token, let error, let cause):
            failTask(token: token, error: StatesError(error ?? "", cause ?? ""), timedOut: false)
        case .taskStarted(let token, let worker): taskStarted(token: token, worker: worker)
        case .taskHeartbeat(let token): heartbeat(token: token)
        case .stop(let error, let cause):
            endExecution(.aborted, error: StatesError(error ?? "", cause ?? ""), type: "ExecutionAborted", details: nil)
        }
    }

    /// Runs ready fibers in order until none is left, or until the history is full, which fails the execution.
    mutating func drain() {
        var index = 0
        while index < ready.count, isRunning, !historyIsFull {
            let fiberID = ready[index]
            index += 1
            if state.fibers[fiberID] != nil { enterState(fiberID) }
        }
        ready.removeAll()
        if historyIsFull {
            failExecution(.runtime("The execution reached the limit of \(Self.historyLimit) events in its history"))
        }
    }

    // MARK: - Fibers

    mutating func spawn(parent: Int?, slot: Int, scope: Int, input: JSONValue, variables: JSONObject) -> Int {
        let id = state.nextFiberID
        state.nextFiberID += 1
        var fiber = Fiber(
            id: id, parent: parent, slot: slot, scope: scope, stateName: machine.scopes[scope].startAt, input: input,
            variables: variables
        )
        fiber.lastEventID = parent.flatMap { state.fibers[$0]?.lastEventID } ?? state.lastEventID
        state.fibers[id] = fiber
        return id
    }

    /// Moves a fiber to its next state, or ends it when the state was its last.
    mutating func leave(_ fiberID: Int, to next: String?, output: JSONValue) {
        guard var fiber = state.fibers[fiberID] else { return }
        guard let next else {
            fiberEnded(fiberID, output: output)
            return
        }
        fiber.stateName = next
        fiber.input = output
        fiber.retryCounts = []
        fiber.waiting = nil
        state.fibers[fiberID] = fiber
        ready.append(fiberID)
    }

    /// Removes a fiber and everything it started, cancelling their tasks.
    mutating func discard(_ fiberID: Int) {
        guard let fiber = state.fibers.removeValue(forKey: fiberID) else { return }
        switch fiber.waiting {
        case .task(let task):
            state.tokens[task.token] = nil
            step.actions.append(.cancelTask(token: task.token))
        case .children(let join):
            for child in join.children.sorted() { discard(child) }
        default:
            break
        }
    }

    mutating func fiberEnded(_ fiberID: Int, output: JSONValue) {
        guard let fiber = state.fibers.removeValue(forKey: fiberID) else { return }
        guard let parent = fiber.parent else {
            endExecution(.succeeded, output: output, type: "ExecutionSucceeded", details: ["output": .string(JSONText.serialize(output))])
            return
        }
        childSucceeded(parent: parent, child: fiber, output: output)
    }

    mutating func fiberFailed(_ fiberID: Int, error: StatesError) {
        guard let fiber = state.fibers[fiberID] else { return }
        discard(fiberID)
        guard let parent = fiber.parent else {
            failExecution(error)
            return
        }
        childFailed(parent: parent, child: fiber, error: error)
    }

    mutating func failExecution(_ error: StatesError) {
        endExecution(.failed, error: error, type: "ExecutionFailed", details: ["error": .string(error.name), "cause": .string(error.cause)])
    }

    mutating func endExecution(
        _ status: ExecutionStatus, output: JSONValue? = nil, error: StatesError? = nil, type: String, details: JSONObject?
    ) {
        guard isRunning else { return }
        for fiberID in state.fibers.keys.sorted() { discard(fiberID) }
        state.status = status
        state.output = output
        state.error = error
        state.stopTime = now
        state.deadline = nil
        let key = type.prefix(1).lowercased() + type.dropFirst() + "EventDetails"
        emit(nil, type, details == nil ? nil : key, details)
    }

    // MARK: - History

    /// The most events an execution's history holds, as in Step Functions: the last must end the execution, so
    /// one that would be anything else fails it. It also ends a loop of states that never waits, which would
    /// otherwise hold the node that runs it.
    static let historyLimit = 25_000

    /// Appends a history event for a fiber (or the execution when `fiberID` is nil). At the history's limit an
    /// event that does not end the execution is dropped, and the run fails the execution once the state that
    /// made it is done (`drain`).
    @discardableResult
    mutating func emit(_ fiberID: Int?, _ type: String, _ detailsKey: String?, _ details: JSONObject?) -> Int {
        let endsExecution = fiberID == nil && type.hasPrefix("Execution") && type != "ExecutionStarted"
        if state.lastEventID >= Self.historyLimit - 1, !endsExecution {
            historyIsFull = true
            return state.lastEventID
        }
        state.lastEventID += 1
        let id = state.lastEventID
        var previous = state.lastEventID - 1
        if let fiberID, var fiber = state.fibers[fiberID] {
            previous = fiber.lastEventID
            fiber.lastEventID = id
            state.fibers[fiberID] = fiber
        }
        step.events.append(
            HistoryEvent(
                id: id, previousEventId: previous, timestamp: now, type: type, detailsKey: detailsKey,
                details: details.map { .object($0) }
            )
        )
        return id
    }
}
