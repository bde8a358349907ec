extension ExecutionRun {
    /// Schedules the Task state's resource and waits for its result.
    mutating func runTask(_ node: StateNode, _ fiberID: Int) throws(StatesError) {
        let fiber = state.fibers[fiberID]!
        let resource = node.resource!
        let token = state.random.uuid()
        let input = try select(node.inputPath, from: fiber.input, fiber)
        var parameters = input
        if let template = node.parameters {
            var scope = makeScope(fiber, input: input, token: token)
            parameters = try template.evaluate(in: &scope)
            state.random = scope.random
        }
        let timeout = try node.timeoutSeconds.map { amount throws(StatesError) in try positiveSeconds(amount, fiber, "TimeoutSeconds") }
        let heartbeat = try node.heartbeatSeconds.map { amount throws(StatesError) in try positiveSeconds(amount, fiber, "HeartbeatSeconds") }
        var details: [String: JSONValue] = [
            "resource": .string(resource), "resourceType": .string(Self.resourceType(resource)), "region": "local",
            "parameters": .string(JSONText.serialize(parameters)),
        ]
        if let timeout { details["timeoutInSeconds"] = .number(timeout) }
        if let heartbeat { details["heartbeatInSeconds"] = .number(heartbeat) }
        emit(fiberID, "TaskScheduled", "taskScheduledEventDetails", details)
        emit(fiberID, "TaskStarted", "taskStartedEventDetails", [
            "resource": .string(resource), "resourceType": .string(Self.resourceType(resource)),
        ])
        let wait = TaskWait(
            token: token, resource: resource, deadline: timeout.map { now + $0 }, heartbeatSeconds: heartbeat,
            heartbeatDeadline: heartbeat.map { now + $0 }
        )
        state.fibers[fiberID]?.waiting = .task(wait)
        state.tokens[token] = fiberID
        step.actions.append(
            .runTask(
                TaskInvocation(
                    token: token, resource: resource, input: parameters, stateName: node.name, timeoutSeconds: timeout,
                    heartbeatSeconds: heartbeat
                )
            )
        )
    }

    mutating func completeTask(token: String, output: JSONValue) {
        guard let (fiberID, task) = pendingTask(token) else { return }
        state.tokens[token] = nil
        state.fibers[fiberID]?.waiting = nil
        emit(fiberID, "TaskSucceeded", "taskSucceededEventDetails", [
            "resource": .string(task.resource), "resourceType": .string(Self.resourceType(task.resource)),
            "output": .string(JSONText.serialize(output)),
        ])
        let node = node(of: state.fibers[fiberID]!)
        do throws(StatesError) {
            try finish(fiberID, node, result: output)
        } catch {
            stateFailed(fiberID, error: error)
        }
    }

    mutating func failTask(token: String, error: StatesError, type: String) {
        guard let (fiberID, task) = pendingTask(token) else { return }
        state.tokens[token] = nil
        state.fibers[fiberID]?.waiting = nil
        if type == "TaskTimedOut" { step.actions.append(.cancelTask(token: token)) }
        let key = type == "TaskTimedOut" ? "taskTimedOutEventDetails" : "taskFailedEventDetails"
        emit(fiberID, type, key, [
            "resource": .string(task.resource), "resourceType": .string(Self.resourceType(task.resource)),
            "error": .string(error.name), "cause": .string(error.cause),
        ])
        stateFailed(fiberID, error: error)
    }

    mutating func heartbeat(token: String) {
        guard let (fiberID, task) = pendingTask(token) else { return }
        var renewed = task
        renewed.heartbeatDeadline = task.heartbeatSeconds.map { now + $0 }
        state.fibers[fiberID]?.waiting = .task(renewed)
    }

    private mutating func pendingTask(_ token: String) -> (Int, TaskWait)? {
        guard let fiberID = state.tokens[token], case .task(let task)? = state.fibers[fiberID]?.waiting else {
            step.accepted = false
            return nil
        }
        return (fiberID, task)
    }

    /// The service part of a resource ARN (`arn:aws:states:::lambda:invoke` → `lambda`), or the
    /// resource itself when it is not an ARN.
    static func resourceType(_ resource: String) -> String {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn" else { return resource.split(separator: ":").first.map(String.init) ?? resource }
        return parts[2] == "states" && parts.count > 5 ? String(parts[5]) : String(parts[2])
    }
}
