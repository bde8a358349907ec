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
        let events = TaskEvents(resource: resource)
        let scheduled = events.name("Scheduled")
        emit(fiberID, scheduled.type, scheduled.detailsKey, events.scheduled(input: parameters, timeout: timeout, heartbeat: heartbeat))
        if events.family != .activity {
            let started = events.name("Started")
            emit(fiberID, started.type, started.detailsKey, events.started(worker: nil))
        }
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
        let events = TaskEvents(resource: task.resource)
        let succeeded = events.name("Succeeded")
        emit(fiberID, succeeded.type, succeeded.detailsKey, events.succeeded(output: output))
        let node = node(of: state.fibers[fiberID]!)
        do throws(StatesError) {
            try finish(fiberID, node, result: output)
        } catch {
            stateFailed(fiberID, error: error)
        }
    }

    /// An activity worker took the task (GetActivityTask): `ActivityStarted`.
    mutating func taskStarted(token: String, worker: String) {
        guard let (fiberID, task) = pendingTask(token) else { return }
        let events = TaskEvents(resource: task.resource)
        guard events.family == .activity else { return }
        let started = events.name("Started")
        emit(fiberID, started.type, started.detailsKey, events.started(worker: worker))
    }

    mutating func failTask(token: String, error: StatesError, timedOut: Bool) {
        guard let (fiberID, task) = pendingTask(token) else { return }
        state.tokens[token] = nil
        state.fibers[fiberID]?.waiting = nil
        if timedOut { step.actions.append(.cancelTask(token: token)) }
        let events = TaskEvents(resource: task.resource)
        let failed = events.name(timedOut ? "TimedOut" : "Failed")
        emit(fiberID, failed.type, failed.detailsKey, events.failed(error))
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
}
